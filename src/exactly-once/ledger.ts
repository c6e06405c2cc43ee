import type { Logger } from '../log/logger.js';
import type { StateStore, Stored } from '../state/store.js';
import { AGAIN, isContentionError, retryOnWriteRace } from '../state/write-race.js';
import { sha256 } from './keys.js';
import { acquireRecord, isLeaseLoss } from './lease-record.js';

/** A Notion event's entry: claimed while processing, `done` once applied; `expireAt` feeds a Firestore TTL policy. */
export interface LedgerDoc {
  state: 'processing' | 'done';
  owner: string;
  leaseUntil: number;
  eventName: string;
  expireAt: number;
  doneAt: number | null;
}

export type LedgerVerdict =
  | { status: 'new'; entry: LedgerEntry }
  | { status: 'done' }
  | { status: 'in_progress'; owner: string };

export interface LedgerEntry {
  id: string;
  version: string;
  data: LedgerDoc;
}

export interface Ledger {
  /** Claims a delivery; only the `new` verdict may do Notion work. */
  begin(key: string, eventName: string): Promise<LedgerVerdict>;
  finish(entry: LedgerEntry): Promise<void>;
  /** Gives a failed delivery back so its retry starts at once instead of after the lease. */
  abandon(entry: LedgerEntry): Promise<void>;
}

export const LEDGER = 'ledger';

export interface LedgerDeps {
  store: StateStore;
  logger: Logger;
  owner: string;
  leaseMs: number;
  ttlMs: number;
  now?: () => number;
}

/** The event ledger of Notion events (two-way): a redelivered event does no Notion work at all. */
export function createLedger(deps: LedgerDeps): Ledger {
  const now = deps.now ?? Date.now;
  const { store } = deps;
  // Ledger owners are instances, and one instance may hold two deliveries of one event: never resume.
  const rules = {
    store,
    collection: LEDGER,
    owner: deps.owner,
    now,
    isDone: (d: LedgerDoc) => d.state === 'done',
    resumeOwn: false,
  };

  const processing = (eventName: string): LedgerDoc => {
    const t = now();
    return {
      state: 'processing',
      owner: deps.owner,
      leaseUntil: t + deps.leaseMs,
      eventName,
      expireAt: t + deps.ttlMs,
      doneAt: null,
    };
  };
  const entry = (id: string, stored: Stored<LedgerDoc>): LedgerEntry => ({
    id,
    version: stored.version,
    data: stored.data,
  });

  return {
    async begin(key, eventName) {
      const id = sha256(key);
      try {
        return await retryOnWriteRace(`ledger entry ${id}`, async () => {
          // A previous processor that died or gave up left an expired entry: this delivery takes it over.
          const got = await acquireRecord(rules, id, undefined, () => processing(eventName));
          if (got.outcome === 'raced') return AGAIN;
          if (got.outcome === 'done') return { status: 'done' } as const;
          if (got.outcome === 'held') return { status: 'in_progress', owner: got.record.data.owner } as const;
          return { status: 'new', entry: entry(id, got.record) } as const;
        });
      } catch (error) {
        if (!isContentionError(error)) throw error;
        return { status: 'in_progress', owner: 'unknown' };
      }
    },
    async finish(e) {
      const t = now();
      const done: LedgerDoc = {
        ...e.data,
        state: 'done',
        leaseUntil: 0,
        doneAt: t,
        expireAt: t + deps.ttlMs,
      };
      try {
        await store.update(LEDGER, e.id, done, e.version);
      } catch (error) {
        if (!isLeaseLoss(error)) throw error;
        // Our lease ran out and another delivery took over; the work is done either way.
        const current = await store.get<LedgerDoc>(LEDGER, e.id);
        if (current) await store.update(LEDGER, e.id, done, current.version).catch(() => undefined);
      }
    },
    async abandon(e) {
      await store.remove(LEDGER, e.id, e.version).catch((error: unknown) => {
        deps.logger.warn('could not release a ledger entry; it expires with its lease', { error });
      });
    },
  };
}
