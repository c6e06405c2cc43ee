import { ENTITIES, type EntityDoc } from '../exactly-once/entity-state.js';
import type { Logger } from '../log/logger.js';
import { isWriteRace, type StateStore, type Stored } from '../state/store.js';
import {
  chunkCount,
  chunkId,
  decodeRows,
  INDEX,
  INDEX_FORMAT,
  type IndexChunk,
  type IndexMeta,
  META_ID,
  partition,
  rowsHash,
} from './index-chunks.js';
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

interface ReadChunks {
  rows: string[];
  versions: string[];
  todos: Map<string, TodoSummary>;
}

/** The index's chunks as its meta names them; undefined if any is missing, foreign or unreadable. */
async function readChunks(store: StateStore, meta: IndexMeta): Promise<ReadChunks | undefined> {
  if (meta.format !== INDEX_FORMAT || !Array.isArray(meta.chunks)) return undefined;
  const docs = await Promise.all(meta.chunks.map((_, i) => store.get<IndexChunk>(INDEX, chunkId(i))));
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

/** Replaces or creates a document; `version` when the caller just read it, else it is read here. */
async function put<T extends object>(store: StateStore, id: string, data: T, version?: string) {
  const at = version ?? (await store.get(INDEX, id))?.version;
  return at === undefined ? store.create(INDEX, id, data) : store.update(INDEX, id, data, at);
}

/** Writes the chunks whose rows changed, then the meta that names them all (the commit point). */
async function writeIndex(
  store: StateStore,
  todos: ReadonlyMap<string, TodoSummary>,
  builtAt: number,
  meta: Stored<IndexMeta> | undefined,
  read: ReadChunks | undefined,
  listedAt: number,
): Promise<void> {
  const previous = meta?.data.format === INDEX_FORMAT ? meta.data.chunks.length : 1;
  const rows = partition(todos.values(), chunkCount(todos.size, previous));
  for (const [i, text] of rows.entries())
    if (text !== read?.rows[i])
      await put<IndexChunk>(store, chunkId(i), { format: INDEX_FORMAT, rows: text }, read?.versions[i]);
  const next: IndexMeta = { format: INDEX_FORMAT, builtAt, listedAt, chunks: rows.map(rowsHash) };
  if (meta) await store.update(INDEX, META_ID, next, meta.version);
  else await store.create(INDEX, META_ID, next);
}

/**
 * Every stored todo state by task id, as a run decides from it: the index of the last run
 * overlaid with the entity documents written since it was built (less the overlap), or the whole
 * listing when there is no valid index yet. Then writes the index of this view, so an account in
 * step costs the meta, its chunks and one query, not a read per task. Entities this run writes
 * are stamped after this view's built-at time, so the next run asks for them.
 */
export async function storedTodos(
  store: StateStore,
  logger?: Logger | undefined,
): Promise<Map<string, TodoSummary>> {
  // Taken before anything is read: an earlier built-at only widens the next run's question.
  const builtAt = Date.now();
  const meta = await store.get<IndexMeta>(INDEX, META_ID);
  const listedAt = meta?.data.listedAt;
  const due = listedAt === undefined || builtAt - listedAt >= FULL_LISTING_EVERY_MS;
  const read = meta && !due ? await readChunks(store, meta.data) : undefined;
  let todos: Map<string, TodoSummary>;
  const written =
    meta && read ? await writtenSince(store, meta.data.builtAt - OVERLAP_MS, logger) : undefined;
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
  try {
    await writeIndex(
      store,
      todos,
      builtAt,
      meta,
      read,
      listed || listedAt === undefined ? builtAt : listedAt,
    );
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
  return todos;
}
