import type { StateStore, Stored } from '../state/store.js';
import { CLAIMS, type ClaimDoc, EnsureError } from './claim-doc.js';
import { holdLease, type LeaseHolder } from './lease-holder.js';

/*
 * A claim while its owner works on it: a leased record (lease-holder.ts: fenced, serialised
 * writes, heartbeat). The heartbeat renews the lease while the owner waits on Notion's queue or on the store; if it
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

/** The owner's grip on one claim document: a lease holder (writes throw `lease_lost`) that also gates creates. */
export interface ClaimHandle extends Omit<LeaseHolder<ClaimDoc>, 'lost'> {
  readonly id: string;
  /** Called when Notion's limiter admits a create: throws unless the lease covers the request. */
  admit(): void;
}

/** Starts holding `claim` (already won by this owner), renewing its lease while the owner works. */
export function holdClaim(deps: ClaimHandleDeps, id: string, claim: Stored<ClaimDoc>): ClaimHandle {
  const { now } = deps;
  const holder = holdLease<ClaimDoc>(
    {
      store: deps.store,
      collection: CLAIMS,
      id,
      owner: deps.owner,
      leaseMs: deps.leaseMs,
      now,
      // Often enough that a renewed lease still covers a create admitted just before the next beat.
      beatMs: Math.max(10, Math.floor(Math.min(deps.leaseMs / 3, (deps.leaseMs - deps.sendMarginMs) / 2))),
      lost: (cause) => new EnsureError('lease_lost', `claim ${id} changed under its owner`, { cause }),
      stamp: (data) => ({ ...data, updatedAt: now() }),
    },
    claim,
  );
  return {
    id,
    current: holder.current,
    write: holder.write,
    renew: holder.renew,
    admit() {
      if (holder.lost()) throw new EnsureError('lease_lost', `claim ${id} was lost before its create left`);
      const left = holder.current().data.leaseUntil - now();
      if (left < deps.sendMarginMs) {
        throw new EnsureError(
          'lease_short',
          `claim ${id} has ${left} ms of lease left, the create needs ${deps.sendMarginMs} ms`,
        );
      }
    },
    stop: holder.stop,
    release: holder.release,
  };
}
