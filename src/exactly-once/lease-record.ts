import { isStateError, isWriteRace, type StateStore, type Stored } from '../state/store.js';

/*
 * The one record layer under every lease: claims, the delivery ledger, the reconcile lease.
 * One lifecycle, one set of rules:
 *
 *   absent ──create──► in progress {owner, leaseUntil} ──fenced write──► done (never taken over)
 *                            │ leaseUntil passes
 *                            ▼
 *                         expired ──update guarded by the version read──► in progress (taken over)
 *
 * A create that finds the record answers with it (read once), so a loser decides at once instead
 * of sleeping on a blind re-read. Every write by a holder is fenced by the version it last wrote;
 * a write that finds the record changed or gone means the lease is lost, and the holder hears it
 * through one error its owner names (`lease_lost` for claims, `reconcile_lease_lost` for runs).
 */

/** The fields every leased record carries. */
export interface LeaseFields {
  owner: string;
  leaseUntil: number;
}

export interface LeaseRules<T extends LeaseFields> {
  store: StateStore;
  collection: string;
  owner: string;
  now: () => number;
  /** A finished record is never taken over. */
  isDone(data: T): boolean;
  /**
   * Whether this owner picks up its own unexpired record (a write whose reply was lost landed):
   * only for callers that hold one flight per key in a process.
   */
  resumeOwn: boolean;
}

/** Where a record stands for a would-be holder. */
export type LeasePhase = 'done' | 'held' | 'expired' | 'mine';

/** The phase of an existing record under `rules`. */
export function leasePhase<T extends LeaseFields>(rules: LeaseRules<T>, data: T): LeasePhase {
  if (rules.isDone(data)) return 'done';
  if (rules.resumeOwn && data.owner === rules.owner) return 'mine';
  return data.leaseUntil <= rules.now() ? 'expired' : 'held';
}

export type Acquired<T> =
  | { outcome: 'won'; record: Stored<T>; fresh: boolean; previousOwner?: string }
  | { outcome: 'done' | 'held'; record: Stored<T> }
  /** Another writer moved the record between the read and the write: read again. */
  | { outcome: 'raced' };

/**
 * Becomes the holder of `id`: creates the record when `seen` is absent, takes it over when it
 * expired (or is this owner's own), else answers with the record found. `next` builds the record
 * this owner writes from the previous one.
 */
export async function acquireRecord<T extends LeaseFields>(
  rules: LeaseRules<T>,
  id: string,
  seen: Stored<T> | undefined,
  next: (previous: T | undefined) => T,
): Promise<Acquired<T>> {
  const { store, collection } = rules;
  let existing = seen;
  if (!existing) {
    try {
      return { outcome: 'won', record: await store.create(collection, id, next(undefined)), fresh: true };
    } catch (error) {
      if (!isStateError(error, 'already_exists')) throw error;
    }
    existing = await store.get<T>(collection, id);
    if (!existing) return { outcome: 'raced' };
  }
  const phase = leasePhase(rules, existing.data);
  if (phase === 'done' || phase === 'held') return { outcome: phase, record: existing };
  try {
    const record = await store.update(collection, id, next(existing.data), existing.version);
    const previousOwner = existing.data.owner;
    return { outcome: 'won', record, fresh: false, previousOwner };
  } catch (error) {
    if (isWriteRace(error)) return { outcome: 'raced' };
    throw error;
  }
}

/** Whether a holder's fenced write found its record changed or gone: the lease is lost. */
export function isLeaseLoss(error: unknown): boolean {
  return isStateError(error, 'precondition_failed') || isStateError(error, 'not_found');
}
