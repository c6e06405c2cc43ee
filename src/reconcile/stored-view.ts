import { ENTITIES, type EntityDoc } from '../exactly-once/entity-state.js';
import type { Logger } from '../log/logger.js';
import { isWriteRace, type StateStore, type Stored } from '../state/store.js';
import { INDEX, INDEX_FORMAT, type IndexMeta, META_ID } from './index-chunks.js';
import { readChunks, writtenSince } from './index-read.js';
import { writeIndex } from './index-write.js';
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

/** The project entity documents of a listing, by document id. */
export type ListedProjects = ReadonlyMap<string, Stored<EntityDoc>>;

/** Every stored todo state, and every project's document, from one listing of every entity. */
async function listedStates(store: StateStore) {
  const docs = await store.list<EntityDoc>(ENTITIES);
  const todos = new Map<string, TodoSummary>();
  const projects = new Map<string, Stored<EntityDoc>>();
  for (const { id, data, version } of docs) {
    if (data.kind === 'todo') todos.set(data.key, summarize(data));
    else if (data.kind === 'project') projects.set(id, { data, version });
  }
  return { todos, projects };
}

/** Every stored todo state from the whole entity listing (the dry-run plan, and runs without an index). */
export async function listedTodos(store: StateStore): Promise<Map<string, TodoSummary>> {
  return (await listedStates(store)).todos;
}

/** A run's view of the stored todos, read at once; the index of it is written in the background. */
export interface StoredView {
  /** Every stored todo state by task id; rejects when the store could not be read. */
  todos: Promise<Map<string, TodoSummary>>;
  /**
   * Every project's entity document, when this view lists every stored state (no index yet, or
   * its daily listing); undefined, as soon as the meta is read, when it reads the index instead.
   */
  projects: Promise<ListedProjects | undefined>;
  /** Whether the store held no index meta at all when this view read it. */
  unindexed: Promise<boolean>;
  /**
   * Settles (never rejects: a failed write is logged) once the index of this view is written:
   * true when an index meta is then known to be in the store (found, or written).
   */
  indexed: Promise<boolean>;
}

/** Whether the view of this meta lists every stored state rather than reading the index first. */
function listsAll(meta: Stored<IndexMeta> | undefined, builtAt: number): boolean {
  const listedAt = meta?.data.listedAt;
  const due = listedAt === undefined || builtAt - listedAt >= FULL_LISTING_EVERY_MS;
  return !meta || due || meta.data.format !== INDEX_FORMAT;
}

/**
 * Every stored todo state by task id, as a run decides from it: the index of the last run
 * overlaid with the entity documents written since it was built (less the overlap), or the whole
 * listing when there is no valid index yet. Then writes the index of this view, so an account in
 * step costs the meta, its chunks and one query, not a read per task. Entities this run writes
 * are stamped after this view's built-at time, so the next run asks for them. Started beside the
 * run's Todoist reads: nothing here waits for them, and the index write waits for nothing else.
 */
export function startStoredView(
  store: StateStore,
  logger?: Logger | undefined,
  options: { listNow?: Promise<boolean> | undefined } = {},
): StoredView {
  // Taken before anything is read: an earlier built-at only widens the next run's question.
  const builtAt = Date.now();
  const meta = store.get<IndexMeta>(INDEX, META_ID);
  // A run that expects no index lists as soon as it knows, beside the meta's read rather than
  // after its answer; a listing so started is used whatever the meta says (the index stands for it).
  const listing = (options.listNow ?? Promise.resolve(false)).then(
    (now) => (now ? listedStates(store) : undefined),
    () => undefined,
  );
  listing.catch(() => undefined);
  const read = meta.then(async (found) => readView(store, logger, builtAt, found, await listing));
  const todos = read.then((view) => view.todos);
  const projects = meta.then(async (found) =>
    (await listing) || listsAll(found, builtAt) ? read.then((view) => view.projects) : undefined,
  );
  const unindexed = meta.then((found) => found === undefined);
  // Whoever awaits these hears a failure; a run that failed before it asked must not crash on it.
  for (const promise of [todos, projects, unindexed]) promise.catch(() => undefined);
  const indexed = read.then(
    (view) => writeLogged(store, view, logger),
    () => false,
  );
  return { todos, projects, unindexed, indexed };
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

async function readView(
  store: StateStore,
  logger: Logger | undefined,
  builtAt: number,
  meta: Stored<IndexMeta> | undefined,
  listing: Awaited<ReturnType<typeof listedStates>> | undefined,
) {
  const listedAt = meta?.data.listedAt;
  // The chunks and the states written since do not wait for each other (both follow from the meta).
  const [read, written] =
    meta && !listing && !listsAll(meta, builtAt)
      ? await Promise.all([
          readChunks(store, meta.data),
          writtenSince(store, meta.data.builtAt - OVERLAP_MS, logger),
        ])
      : [undefined, undefined];
  let todos: Map<string, TodoSummary>;
  let projects: ListedProjects | undefined;
  const listed = !(read && written);
  if (read && written) {
    todos = read.todos;
    for (const { data } of written) if (data.kind === 'todo') todos.set(data.key, summarize(data));
  } else {
    ({ todos, projects } = listing ?? (await listedStates(store)));
    logger?.info('reconcile lists every stored task (no valid index yet, or its daily listing)', {
      tasks: todos.size,
    });
  }
  const index = listed || listedAt === undefined ? builtAt : listedAt;
  return { todos, projects, builtAt, meta, read, listedAt: index };
}

async function writeLogged(store: StateStore, view: ReadView, logger: Logger | undefined): Promise<boolean> {
  try {
    await writeIndex(store, view.todos, view.builtAt, view.meta, view.read, view.listedAt);
    return true;
  } catch (error) {
    // Another run wrote the index meanwhile (its meta names its own chunks), or the store failed:
    // this run's view stands; the next run checks the chunks against the meta it finds.
    if (isWriteRace(error)) logger?.info('another run wrote the reconcile index meanwhile', { error });
    else
      logger?.warn(
        'the reconcile index could not be written; the next run checks what it finds against its meta',
        { error },
      );
    // A meta is never removed: one this view found is still there.
    return view.meta !== undefined || (await placeholderMeta(store, view.builtAt));
  }
}

/**
 * A meta of no index format, made when this run's index could not be written: the next run trusts
 * no index under it (it lists every state), but finds a meta, so it reads the window this run may
 * now record (a first window waits for a meta: prepare.ts). False when the store refuses it too.
 */
async function placeholderMeta(store: StateStore, builtAt: number): Promise<boolean> {
  const none: IndexMeta = { format: 0, builtAt, chunks: [] };
  try {
    await store.create(INDEX, META_ID, none);
    return true;
  } catch (error) {
    // Another run's meta is there now: as good as this one.
    return isWriteRace(error);
  }
}
