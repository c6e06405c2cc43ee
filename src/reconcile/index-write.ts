import pLimit from 'p-limit';
import { isStateError, type StateStore, type Stored } from '../state/store.js';
import {
  chunkCount,
  chunkId,
  INDEX,
  INDEX_FORMAT,
  type IndexChunk,
  type IndexMeta,
  META_ID,
  partition,
  rowsHash,
} from './index-chunks.js';
import type { TodoSummary } from './todo-summary.js';

/** Chunk documents read or written at once: a large account's index is many chunks, one request each. */
export const CHUNK_WIDTH = 8;

/** The chunks a run read, in order: their rows and the versions their rewrite is guarded by. */
export interface ReadChunks {
  rows: string[];
  versions: string[];
  todos: Map<string, TodoSummary>;
}

/**
 * Replaces or creates chunk `id`. Guarded by `version` when the run read it; else a chunk the old
 * meta named is read first, and one it did not (a new index, a split) is created at once and read
 * only if a run that stopped before its meta left it there.
 */
async function putChunk(
  store: StateStore,
  id: string,
  data: IndexChunk,
  version: string | undefined,
  named: boolean,
) {
  if (version !== undefined) return store.update(INDEX, id, data, version);
  if (!named) {
    try {
      return await store.create(INDEX, id, data);
    } catch (error) {
      if (!isStateError(error, 'already_exists')) throw error;
    }
  }
  const at = (await store.get(INDEX, id))?.version;
  return at === undefined ? store.create(INDEX, id, data) : store.update(INDEX, id, data, at);
}

/**
 * Writes the chunks whose rows changed, side by side (CHUNK_WIDTH at a time), then, once every
 * one of them landed, the meta that names them all (the commit point).
 */
export async function writeIndex(
  store: StateStore,
  todos: ReadonlyMap<string, TodoSummary>,
  builtAt: number,
  meta: Stored<IndexMeta> | undefined,
  read: ReadChunks | undefined,
  listedAt: number,
): Promise<void> {
  const valid = meta?.data.format === INDEX_FORMAT && Array.isArray(meta.data.chunks);
  const named = meta && Array.isArray(meta.data.chunks) ? meta.data.chunks.length : 0;
  const rows = partition(todos.values(), chunkCount(todos.size, valid ? meta.data.chunks.length : 1));
  const limit = pLimit(CHUNK_WIDTH);
  const writes = await Promise.allSettled(
    rows.map((text, i) =>
      text === read?.rows[i]
        ? undefined
        : limit(() =>
            putChunk(store, chunkId(i), { format: INDEX_FORMAT, rows: text }, read?.versions[i], i < named),
          ),
    ),
  );
  // Every write settles before the first failure is told: none is left running past the run.
  const failed = writes.find((w): w is PromiseRejectedResult => w.status === 'rejected');
  if (failed) throw failed.reason;
  const next: IndexMeta = { format: INDEX_FORMAT, builtAt, listedAt, chunks: rows.map(rowsHash) };
  if (meta) await store.update(INDEX, META_ID, next, meta.version);
  else await store.create(INDEX, META_ID, next);
}
