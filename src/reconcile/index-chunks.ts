import { createHash } from 'node:crypto';
import { fromRow, type TodoSummary, toRow } from './todo-summary.js';

/*
 * The reconcile index: every stored todo summary as of one run, split into chunks by a stable
 * hash of the task id so no document nears Firestore's 1 MiB (a row is ~60 bytes; a chunk holds
 * ~2,000 on average and far below 4,000 at worst). Each chunk is one string field, not a map:
 * a map would index every task id as a field. The meta document names each chunk's content
 * hash, so chunks from another run, or a run that stopped before its meta, are never mixed in.
 */

/** The store collection of the index. */
export const INDEX = 'reconcile_index';
/** Bumped when the layout or the summary changes: an index of another format is rebuilt. */
export const INDEX_FORMAT = 1;
export const META_ID = 'meta';

const AVERAGE_PER_CHUNK = 2_000;

export interface IndexMeta {
  format: number;
  /** Wall-clock ms when the listing this index reflects was sent. */
  builtAt: number;
  /** Wall-clock ms of the last run that listed every stored state rather than trusting the index. */
  listedAt?: number;
  /** Content hash of chunk `i` (document `chunkId(i)`), in order. */
  chunks: string[];
}

export interface IndexChunk {
  format: number;
  /** JSON array of summary rows, sorted by task id. */
  rows: string;
}

export const chunkId = (i: number): string => `chunk-${i}`;

/** Short content hash of a chunk's rows. */
export const rowsHash = (rows: string): string =>
  createHash('sha256').update(rows).digest('hex').slice(0, 16);

/** A power of two, never fewer than before: growing only splits chunks, it never reshuffles back. */
export function chunkCount(tasks: number, previous = 1): number {
  let count = Math.max(1, previous);
  while (tasks / count > AVERAGE_PER_CHUNK) count *= 2;
  return count;
}

function bucket(key: string, count: number): number {
  return createHash('sha256').update(key).digest().readUInt32BE(0) % count;
}

/** The rows text of every chunk, for `count` chunks. */
export function partition(todos: Iterable<TodoSummary>, count: number): string[] {
  const buckets: TodoSummary[][] = Array.from({ length: count }, () => []);
  for (const todo of todos) buckets[bucket(todo.key, count)]?.push(todo);
  return buckets.map((b) =>
    JSON.stringify(b.sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0)).map(toRow)),
  );
}

/** The summaries of one chunk's rows; undefined when they do not parse (the caller lists the store). */
export function decodeRows(rows: string): TodoSummary[] | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(rows);
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed)) return undefined;
  const out: TodoSummary[] = [];
  for (const row of parsed) {
    const summary = fromRow(row);
    if (!summary) return undefined;
    out.push(summary);
  }
  return out;
}
