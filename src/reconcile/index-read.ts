import pLimit from 'p-limit';
import { ENTITIES, type EntityDoc } from '../exactly-once/entity-state.js';
import type { Logger } from '../log/logger.js';
import type { StateStore } from '../state/store.js';
import {
  chunkId,
  decodeRows,
  INDEX,
  INDEX_FORMAT,
  type IndexChunk,
  type IndexMeta,
  rowsHash,
} from './index-chunks.js';
import { CHUNK_WIDTH, type ReadChunks } from './index-write.js';

/** The index's chunks as its meta names them; undefined if any is missing, foreign or unreadable. */
export async function readChunks(store: StateStore, meta: IndexMeta): Promise<ReadChunks | undefined> {
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

/**
 * The entity states written since `sinceMs`; undefined when the query failed (after a bulk change
 * it may return every state in one answer): the run then lists every state, paged, and rebuilds.
 */
export async function writtenSince(store: StateStore, sinceMs: number, logger: Logger | undefined) {
  try {
    return await store.listSince<EntityDoc>(ENTITIES, 'writtenAt', sinceMs);
  } catch (error) {
    logger?.warn('the states written since the reconcile index could not be read; listing every state', {
      error,
    });
    return undefined;
  }
}
