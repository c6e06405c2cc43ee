import { AppError } from '../errors.js';
import { holdLease } from '../exactly-once/lease-holder.js';
import { acquireRecord } from '../exactly-once/lease-record.js';
import type { StateStore } from '../state/store.js';

/*
 * One reconcile at a time, across instances: a lease document in the store.
 *   acquire: create-if-absent; or, when the holder's lease ran out (it crashed), an update guarded
 *            by the version read, so only one taker wins.
 *   renew:   a fenced update every ttl/3 while the run lasts; losing the lease stops the run.
 *   release: a fenced remove, so a run that was overtaken cannot free its successor's lease.
 * Reconciling twice at once would be safe (ensure-once and newest-wins hold) but wasteful.
 */

export const LEASES = 'leases';

export interface LeaseDoc {
  name: string;
  owner: string;
  leaseUntil: number;
  acquiredAt: number;
}

/** The run lost its lease (another instance took it over): stop, and let that one finish. */
export class LeaseLostError extends AppError<'reconcile_lease_lost'> {
  constructor(name: string) {
    super('reconcile_lease_lost', `the ${name} lease was taken over by another instance`, {
      transient: true,
    });
  }
}

export function isLeaseLostError(value: unknown): value is LeaseLostError {
  return value instanceof LeaseLostError;
}

export interface Lease {
  readonly owner: string;
  /** Extends the lease; throws LeaseLostError when it is no longer ours. */
  renew(): Promise<void>;
  /** True once a renewal found the lease gone or taken. */
  lost(): boolean;
  /** Stops renewing and frees the lease if it is still ours. */
  release(): Promise<void>;
}

export interface LeaseOptions {
  store: StateStore;
  name: string;
  owner: string;
  ttlMs: number;
  now?: () => number;
  /** Renew in the background every ttl/3 (default true). */
  heartbeat?: boolean;
}

/** Who holds a lease now, for the "busy" message; undefined when free or expired. */
export async function leaseHolder(
  store: StateStore,
  name: string,
  now: () => number = Date.now,
): Promise<LeaseDoc | undefined> {
  const snap = await store.get<LeaseDoc>(LEASES, name);
  return snap && snap.data.leaseUntil > now() ? snap.data : undefined;
}

/** What a try for the lease found: the lease, or who holds it (undefined when a racer moved it meanwhile). */
export type LeaseTry = { lease: Lease } | { lease?: undefined; holder: LeaseDoc | undefined };

/**
 * Takes the lease, or answers who holds it. The lease is free on almost every tick, so this
 * creates it first and reads it only when the create finds it there (a held, expired or own one).
 */
export async function tryLease(options: LeaseOptions): Promise<LeaseTry> {
  const { store, name, owner, ttlMs } = options;
  const now = options.now ?? Date.now;
  const rules = { store, collection: LEASES, owner, now, isDone: () => false, resumeOwn: true };
  const doc = (): LeaseDoc => ({ name, owner, leaseUntil: now() + ttlMs, acquiredAt: now() });
  const got = await acquireRecord(rules, name, undefined, doc);
  if (got.outcome === 'raced') return { holder: undefined };
  if (got.outcome !== 'won') return { holder: got.record.data };
  const holder = holdLease<LeaseDoc>(
    {
      store,
      collection: LEASES,
      id: name,
      owner,
      leaseMs: ttlMs,
      now,
      ...((options.heartbeat ?? true) ? { beatMs: Math.max(10, Math.floor(ttlMs / 3)) } : {}),
      lost: () => new LeaseLostError(name),
    },
    got.record,
  );
  return { lease: { owner, renew: holder.renew, lost: holder.lost, release: holder.release } };
}

/** Takes the lease, or returns undefined when another live holder has it. */
export async function acquireLease(options: LeaseOptions): Promise<Lease | undefined> {
  return (await tryLease(options)).lease;
}
