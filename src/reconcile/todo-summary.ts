import type { EntityDoc } from '../exactly-once/entity-state.js';

/**
 * What a reconcile run reads of one stored todo state, and all it reads: the fast path ("not
 * newer than a state Notion already shows") and the gone candidates decide from these fields.
 */
export interface TodoSummary {
  key: string;
  version: string;
  deleted: boolean;
  /** Notion shows the desired state (appliedHash === desiredHash). */
  shown: boolean;
  /** Some state was shown once (appliedHash set): the page exists or existed. */
  known: boolean;
  /** The desired state is Done, or unreadable: never a candidate for a trash. */
  done: boolean;
}

function desiredDone(doc: EntityDoc): boolean {
  if (!doc.desired) return false;
  try {
    const properties = JSON.parse(doc.desired) as { Done?: { checkbox?: unknown } };
    return properties.Done?.checkbox === true;
  } catch {
    return true; // unreadable state: do not risk a trash
  }
}

/** The summary of one stored todo state. */
export function summarize(doc: EntityDoc): TodoSummary {
  return {
    key: doc.key,
    version: doc.version,
    deleted: doc.deleted,
    shown: doc.appliedHash === doc.desiredHash,
    known: doc.appliedHash != null,
    done: desiredDone(doc),
  };
}

const DELETED = 1;
const SHOWN = 2;
const KNOWN = 4;
const DONE = 8;

/** One summary as a compact row: `[key, version, flags]`. */
export type SummaryRow = [string, string, number];

/** Packs a summary into a row for the index. */
export function toRow(s: TodoSummary): SummaryRow {
  const flags =
    (s.deleted ? DELETED : 0) | (s.shown ? SHOWN : 0) | (s.known ? KNOWN : 0) | (s.done ? DONE : 0);
  return [s.key, s.version, flags];
}

/** Unpacks a row; undefined for anything that is not one (the caller then lists the store). */
export function fromRow(row: unknown): TodoSummary | undefined {
  if (!Array.isArray(row) || row.length !== 3) return undefined;
  const [key, version, flags] = row as unknown[];
  if (typeof key !== 'string' || typeof version !== 'string' || typeof flags !== 'number') return undefined;
  return {
    key,
    version,
    deleted: (flags & DELETED) !== 0,
    shown: (flags & SHOWN) !== 0,
    known: (flags & KNOWN) !== 0,
    done: (flags & DONE) !== 0,
  };
}
