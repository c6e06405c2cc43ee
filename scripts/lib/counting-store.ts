/**
 * A StateStore wrapper that counts what Firestore would bill: a `get` is one read whether the
 * document exists or not, a `list` or `listSince` one read per document returned (at least one), a `create` or
 * `update` one write, a `remove` one delete. Calls that lose a precondition count too: Firestore
 * bills the attempt, and that is what the product's races cost.
 */
import type { StateStore } from '../../src/state/store.js';

/** Billable Firestore operations. */
export interface OpCounts {
  reads: number;
  writes: number;
  deletes: number;
}

/** Operations plus round trips (a `list` of many documents is one call): the latency the cost model adds. */
export interface StoreCounts extends OpCounts {
  calls: number;
}

/** The counts and bytes seen so far. */
export interface CountingStore extends StateStore {
  counts(): StoreCounts;
  /** The same counts by collection (`ledger`, `entities`, `claims`, `leases`, …), for the report. */
  byCollection(): Record<string, OpCounts>;
}

export const zeroOps = (): OpCounts => ({ reads: 0, writes: 0, deletes: 0 });

/** The difference `after - before`, per kind. */
export function opsBetween(before: OpCounts, after: OpCounts): OpCounts {
  return {
    reads: after.reads - before.reads,
    writes: after.writes - before.writes,
    deletes: after.deletes - before.deletes,
  };
}

/** Wraps `inner`; every call is counted before it runs, so a failed conditional write still counts. */
export function countingStore(inner: StateStore): CountingStore {
  const ops: StoreCounts = { ...zeroOps(), calls: 0 };
  const detail = new Map<string, OpCounts>();
  const count = (collection: string, kind: keyof OpCounts, n = 1) => {
    ops.calls += 1;
    ops[kind] += n;
    let per = detail.get(collection);
    if (!per) {
      per = zeroOps();
      detail.set(collection, per);
    }
    per[kind] += n;
  };
  return {
    get<T extends object>(collection: string, id: string) {
      count(collection, 'reads');
      return inner.get<T>(collection, id);
    },
    create<T extends object>(collection: string, id: string, data: T) {
      count(collection, 'writes');
      return inner.create<T>(collection, id, data);
    },
    update<T extends object>(collection: string, id: string, data: T, expectedVersion: string) {
      count(collection, 'writes');
      return inner.update<T>(collection, id, data, expectedVersion);
    },
    remove(collection, id, expectedVersion) {
      count(collection, 'deletes');
      return inner.remove(collection, id, expectedVersion);
    },
    async list<T extends object>(collection: string) {
      const docs = await inner.list<T>(collection);
      count(collection, 'reads', Math.max(1, docs.length));
      return docs;
    },
    async listSince<T extends object>(collection: string, field: string, sinceMs: number) {
      const docs = await inner.listSince<T>(collection, field, sinceMs);
      count(collection, 'reads', Math.max(1, docs.length));
      return docs;
    },
    close: () => inner.close(),
    counts: () => ({ ...ops }),
    byCollection: () => Object.fromEntries([...detail].map(([c, per]) => [c, { ...per }])),
  };
}
