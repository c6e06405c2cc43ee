import { isStateError, type StateStore, type Stored } from '../state/store.js';
import { CLAIMS, type ClaimDoc, EnsureError } from './claim-doc.js';

/*
 * A claim while its owner works on it. Every write is fenced (guarded by the version this owner
 * last wrote) and serialised, so the heartbeat and the owner never race each other's versions.
 * The heartbeat renews the lease while the owner waits on Notion's queue or on the store; if it
 * cannot (the store stalls), the lease the owner knows of runs out, and `admit` then refuses to
 * let a create leave: a taker that waited the lease out can trust what Notion shows it.
 */

export interface ClaimHandleDeps {
  store: StateStore;
  owner: string;
  leaseMs: number;
  /** A create must still have this much lease when it leaves: request timeout + index lag. */
  sendMarginMs: number;
  now: () => number;
}

/** The owner's grip on one claim document. */
export interface ClaimHandle {
  readonly id: string;
  /** The claim as this owner last wrote it. */
  current(): Stored<ClaimDoc>;
  /** A fenced write of `patch`; throws `lease_lost` once the claim is someone else's. */
  write(patch: Partial<ClaimDoc>): Promise<Stored<ClaimDoc>>;
  /** Extends the lease to `now + leaseMs` (fenced). */
  renew(): Promise<void>;
  /** Called when Notion's limiter admits a create: throws unless the lease covers the request. */
  admit(): void;
  /** Stops the heartbeat and waits for a renewal in flight. */
  stop(): Promise<void>;
}

/** Starts holding `claim` (already won by this owner), renewing its lease while the owner works. */
export function holdClaim(deps: ClaimHandleDeps, id: string, claim: Stored<ClaimDoc>): ClaimHandle {
  const { store, now } = deps;
  let held = claim;
  let lost = false;
  let queue: Promise<unknown> = Promise.resolve();
  let beat: Promise<void> | undefined;

  const writeNow = async (patch: Partial<ClaimDoc>): Promise<Stored<ClaimDoc>> => {
    if (lost) throw new EnsureError('lease_lost', `claim ${id} changed under its owner`);
    try {
      held = await store.update(
        CLAIMS,
        id,
        { ...held.data, ...patch, owner: deps.owner, updatedAt: now() },
        held.version,
      );
      return held;
    } catch (error) {
      if (isStateError(error, 'precondition_failed') || isStateError(error, 'not_found')) {
        lost = true;
        throw new EnsureError('lease_lost', `claim ${id} changed under its owner`, { cause: error });
      }
      throw error;
    }
  };
  const write = (patch: Partial<ClaimDoc>): Promise<Stored<ClaimDoc>> => {
    const run = queue.then(
      () => writeNow(patch),
      () => writeNow(patch),
    );
    queue = run.catch(() => undefined);
    return run;
  };
  const renew = async (): Promise<void> => {
    await write({ leaseUntil: now() + deps.leaseMs });
  };
  const timer = setInterval(
    () => {
      // A stalled store holds one renewal in flight; the next beat does not pile another on it.
      beat ??= renew()
        .catch(() => undefined)
        .finally(() => {
          beat = undefined;
        });
    },
    // Often enough that a renewed lease still covers a create admitted just before the next beat.
    Math.max(10, Math.floor(Math.min(deps.leaseMs / 3, (deps.leaseMs - deps.sendMarginMs) / 2))),
  );
  timer.unref();

  return {
    id,
    current: () => held,
    write,
    renew,
    admit() {
      if (lost) throw new EnsureError('lease_lost', `claim ${id} was lost before its create left`);
      const left = held.data.leaseUntil - now();
      if (left < deps.sendMarginMs) {
        throw new EnsureError(
          'lease_short',
          `claim ${id} has ${left} ms of lease left, the create needs ${deps.sendMarginMs} ms`,
        );
      }
    },
    async stop() {
      clearInterval(timer);
      await beat;
    },
  };
}
