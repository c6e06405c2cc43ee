import type { StateStore, Stored } from '../state/store.js';
import { isLeaseLoss, type LeaseFields } from './lease-record.js';

/*
 * A leased record while its holder works. Every write is fenced (guarded by the version this
 * holder last wrote) and serialised, so the heartbeat and the holder never race each other's
 * versions. Once a write finds the record changed or gone, the lease is lost for good: every later
 * write throws the holder's lost error without touching the store.
 */

export interface HolderOptions<T extends LeaseFields> {
  store: StateStore;
  collection: string;
  id: string;
  owner: string;
  leaseMs: number;
  now: () => number;
  /** How often the heartbeat renews the lease; no heartbeat when absent. */
  beatMs?: number;
  /** The error a write throws once the record is someone else's. */
  lost(cause?: unknown): Error;
  /** Fields every write refreshes (an `updatedAt`, say). */
  stamp?(data: T): T;
}

/** The holder's grip on one leased record. */
export interface LeaseHolder<T extends LeaseFields> {
  /** The record as this holder last wrote it. */
  current(): Stored<T>;
  /** A fenced write of `patch`; throws the lost error once the record is someone else's. */
  write(patch: Partial<T>): Promise<Stored<T>>;
  /** Extends the lease to `now + leaseMs` (fenced). */
  renew(): Promise<void>;
  /** True once a write found the record changed or gone. */
  lost(): boolean;
  /** Stops the heartbeat and waits for a renewal in flight. */
  stop(): Promise<void>;
  /** Stops, then removes the record if it is still this holder's (a successor's is never freed). */
  release(): Promise<void>;
}

/** Starts holding `record` (already won by this owner). */
export function holdLease<T extends LeaseFields>(
  options: HolderOptions<T>,
  record: Stored<T>,
): LeaseHolder<T> {
  const { store, collection, id, now } = options;
  const stamp = options.stamp ?? ((data: T) => data);
  let held = record;
  let isLost = false;
  let queue: Promise<unknown> = Promise.resolve();
  let beat: Promise<void> | undefined;

  const writeNow = async (patch: Partial<T>): Promise<Stored<T>> => {
    if (isLost) throw options.lost();
    try {
      held = await store.update(
        collection,
        id,
        stamp({ ...held.data, ...patch, owner: options.owner }),
        held.version,
      );
      return held;
    } catch (error) {
      if (!isLeaseLoss(error)) throw error;
      isLost = true;
      throw options.lost(error);
    }
  };
  const write = (patch: Partial<T>): Promise<Stored<T>> => {
    const run = queue.then(
      () => writeNow(patch),
      () => writeNow(patch),
    );
    queue = run.catch(() => undefined);
    return run;
  };
  const renew = async (): Promise<void> => {
    await write({ leaseUntil: now() + options.leaseMs } as Partial<T>);
  };
  let timer: NodeJS.Timeout | undefined;
  if (options.beatMs !== undefined) {
    timer = setInterval(() => {
      // A stalled store holds one renewal in flight; the next beat does not pile another on it.
      // A lost lease is seen through lost(); an unavailable store is retried next beat.
      beat ??= renew()
        .catch(() => undefined)
        .finally(() => {
          beat = undefined;
        });
    }, options.beatMs);
    timer.unref();
  }
  const stop = async (): Promise<void> => {
    if (timer) clearInterval(timer);
    await beat;
  };

  return {
    current: () => held,
    write,
    renew,
    lost: () => isLost,
    stop,
    async release() {
      await stop();
      if (isLost) return;
      await store.remove(collection, id, held.version).catch((error: unknown) => {
        if (!isLeaseLoss(error)) throw error;
      });
    },
  };
}
