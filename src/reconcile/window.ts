import type { StateStore, Stored } from '../state/store.js';
import { isContentionError, retryOnWriteRace } from '../state/write-race.js';

/** Where reconcile keeps its own bookkeeping (the lease lives in `leases`). */
export const RECONCILE_COLLECTION = 'reconcile';
const LAST_RUN = 'last-run';

/** Todoist answers at most three months of completed tasks per request; keep a margin. */
export const MAX_WINDOW_MS = 89 * 86_400_000;
/** Overlap with the previous window, against clock skew between instances and Todoist. */
const OVERLAP_MS = 5 * 60_000;

export interface LastRunDoc {
  /** End of the completed-tasks window the last complete run applied (ISO-8601). */
  completedUntil: string;
  finishedAt: number;
}

export interface CompletedWindow {
  since: string;
  until: string;
  /** No earlier complete run: completed tasks only update pages already known. */
  firstRun: boolean;
  /** The gap since the last run exceeded what Todoist answers; older completions are not seen. */
  clamped: boolean;
}

/** ISO-8601 without milliseconds, as the Todoist API takes `since`/`until`. */
export function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The window of completed tasks this run reads: since the last complete run, at most ~3 months. */
export function completedWindow(last: LastRunDoc | undefined, nowMs: number): CompletedWindow {
  const floor = nowMs - MAX_WINDOW_MS;
  const previous = last ? Date.parse(last.completedUntil) - OVERLAP_MS : Number.NaN;
  const start = Number.isFinite(previous) ? Math.max(previous, floor) : floor;
  return {
    since: iso(start),
    until: iso(nowMs),
    firstRun: last === undefined,
    clamped: Number.isFinite(previous) && previous < floor,
  };
}

/** The last-run record of one Todoist user's reads (each token sees its own completions), or of the default token. */
function lastRunId(userId: string | undefined): string {
  return userId === undefined ? LAST_RUN : `${LAST_RUN}.user.${encodeURIComponent(userId)}`;
}

/** The last-run record as read, with the version a write after the run can be guarded by. */
export interface LastRunRead {
  record: Stored<LastRunDoc> | undefined;
}

export async function readLastRunRecord(store: StateStore, userId?: string): Promise<LastRunRead> {
  return { record: await store.get<LastRunDoc>(RECONCILE_COLLECTION, lastRunId(userId)) };
}

export async function readLastRun(store: StateStore, userId?: string): Promise<LastRunDoc | undefined> {
  return (await readLastRunRecord(store, userId)).record?.data;
}

/**
 * Records a complete run; the next one reads completed tasks from its `until` on. `seen`, the
 * record as this run read it at its start, spares a second read: the write is guarded by its
 * version (or is a create), and only a write that lost to another run reads again.
 */
export async function writeLastRun(
  store: StateStore,
  doc: LastRunDoc,
  userId?: string,
  seen?: LastRunRead,
): Promise<void> {
  const id = lastRunId(userId);
  await retryOnWriteRace(`reconcile window ${id}`, async (round) => {
    const snap = round === 0 && seen ? seen.record : await store.get<LastRunDoc>(RECONCILE_COLLECTION, id);
    // Never move the window back (a slow run finishing after a newer one).
    if (snap && snap.data.completedUntil >= doc.completedUntil) return;
    if (snap) await store.update(RECONCILE_COLLECTION, id, doc, snap.version);
    else await store.create(RECONCILE_COLLECTION, id, doc);
  }).catch((error: unknown) => {
    // Contended past the bound: the window stays where others left it; a later start only reads more.
    if (!isContentionError(error)) throw error;
  });
}
