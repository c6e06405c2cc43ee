import pLimit from 'p-limit';
import { ENTITIES, type EntityDoc } from '../exactly-once/entity-state.js';
import type { Logger } from '../log/logger.js';
import { isWriteRace, type StateStore } from '../state/store.js';
import {
  chunkId,
  decodeRows,
  INDEX,
  INDEX_FORMAT,
  type IndexChunk,
  type IndexMeta,
  META_ID,
  rowsHash,
} from './index-chunks.js';
import { CHUNK_WIDTH, type ReadChunks, writeIndex } from './index-write.js';
import { summarize, type TodoSummary } from './todo-summary.js';

/**
 * A write stamped just before an index was built may land after its listing; asking again for
 * this much before the built-at time, far beyond any request's timeout, still sees it.
 */
export const OVERLAP_MS = 10 * 60_000;

/**
 * How often a run lists every stored state anyway, so whatever the index could miss (a write left
 * unstamped by an older revision during a rollout, a clock far off) is corrected within a day.
 */
export const FULL_LISTING_EVERY_MS = 24 * 3_600_000;

/** The index's chunks as its meta names them; undefined if any is missing, foreign or unreadable. */
async function readChunks(store: StateStore, meta: IndexMeta): Promise<ReadChunks | undefined> {
  if (meta.format !== INDEX_FORMAT || !Array.isArray(meta.chunks)) return undefined;
  const limit = pLimit(CHUNK_WIDTH);
  const docs = await Promise.all(
    meta.chunks.map((_, i) => limit(() => store.get<IndexChunk>(INDEX, chunkId(i)))),
  );
  const out: ReadChunks = { rows: [], versions: [], todos: new Map() };
  for (const [i, doc] of docs.entries()) {
    if (!doc || doc.data.format !== INDEX_FORMAT || rowsHash(doc.data.rows) !== meta.chunks[i])
      return undefined;
    const summaries = decodeRows(doc.data.rows);
    if (!summaries) return undefined;
    for (const s of summaries) out.todos.set(s.key, s);
    out.rows.push(doc.data.rows);
    out.versions.push(doc.version);
  }
  return out;
}

/** Every stored todo state from the whole entity listing (the dry-run plan, and runs without an index). */
export async function listedTodos(store: StateStore): Promise<Map<string, TodoSummary>> {
  const docs = await store.list<EntityDoc>(ENTITIES);
  return new Map(
    docs.filter(({ data }) => data.kind === 'todo').map(({ data }) => [data.key, summarize(data)]),
  );
}

/**
 * The entity states written since `sinceMs`; undefined when the query failed (after a bulk change
 * it may return every state in one answer): the run then lists every state, paged, and rebuilds.
 */
async function writtenSince(store: StateStore, sinceMs: number, logger: Logger | undefined) {
  try {
    return await store.listSince<EntityDoc>(ENTITIES, 'writtenAt', sinceMs);
  } catch (error) {
    logger?.warn('the states written since the reconcile index could not be read; listing every state', {
      error,
    });
    return undefined;
  }
}

/** A run's view of the stored todos, read at once; the index of it is written in the background. */
export interface StoredView {
  /** Every stored todo state by task id; rejects when the store could not be read. */
  todos: Promise<Map<string, TodoSummary>>;
  /** Settles (never rejects: a failed write is logged) once the index of this view is written. */
  indexed: Promise<void>;
}

/**
 * Every stored todo state by task id, as a run decides from it: the index of the last run
 * overlaid with the entity documents written since it was built (less the overlap), or the whole
 * listing when there is no valid index yet. Then writes the index of this view, so an account in
 * step costs the meta, its chunks and one query, not a read per task. Entities this run writes
 * are stamped after this view's built-at time, so the next run asks for them. Started beside the
 * run's Todoist reads: nothing here waits for them, and the index write waits for nothing else.
 */
export function startStoredView(store: StateStore, logger?: Logger | undefined): StoredView {
  const read = readView(store, logger);
  const todos = read.then((view) => view.todos);
  // Whoever awaits `todos` hears a failure; a run that failed before it asked must not crash on it.
  todos.catch(() => undefined);
  const indexed = read.then(
    (view) => writeLogged(store, view, logger),
    () => undefined,
  );
  return { todos, indexed };
}

/** The view, then its index written: for callers that need both before going on. */
export async function storedTodos(
  store: StateStore,
  logger?: Logger | undefined,
): Promise<Map<string, TodoSummary>> {
  const view = startStoredView(store, logger);
  const todos = await view.todos;
  await view.indexed;
  return todos;
}

type ReadView = Awaited<ReturnType<typeof readView>>;

async function readView(store: StateStore, logger: Logger | undefined) {
  // Taken before anything is read: an earlier built-at only widens the next run's question.
  const builtAt = Date.now();
  const meta = await store.get<IndexMeta>(INDEX, META_ID);
  const listedAt = meta?.data.listedAt;
  const due = listedAt === undefined || builtAt - listedAt >= FULL_LISTING_EVERY_MS;
  // The chunks and the states written since do not wait for each other (both follow from the meta).
  const [read, written] =
    meta && !due && meta.data.format === INDEX_FORMAT
      ? await Promise.all([
          readChunks(store, meta.data),
          writtenSince(store, meta.data.builtAt - OVERLAP_MS, logger),
        ])
      : [undefined, undefined];
  let todos: Map<string, TodoSummary>;
  const listed = !(read && written);
  if (read && written) {
    todos = read.todos;
    for (const { data } of written) if (data.kind === 'todo') todos.set(data.key, summarize(data));
  } else {
    todos = await listedTodos(store);
    logger?.info('reconcile lists every stored task (no valid index yet, or its daily listing)', {
      tasks: todos.size,
    });
  }
  const index = listed || listedAt === undefined ? builtAt : listedAt;
  return { todos, builtAt, meta, read, listedAt: index };
}

async function writeLogged(store: StateStore, view: ReadView, logger: Logger | undefined): Promise<void> {
  try {
    await writeIndex(store, view.todos, view.builtAt, view.meta, view.read, view.listedAt);
  } catch (error) {
    // Another run wrote the index meanwhile (its meta names its own chunks), or the store failed:
    // this run's view stands; the next run checks the chunks against the meta it finds.
    if (isWriteRace(error)) logger?.info('another run wrote the reconcile index meanwhile', { error });
    else
      logger?.warn(
        'the reconcile index could not be written; the next run checks what it finds against its meta',
        { error },
      );
  }
}
