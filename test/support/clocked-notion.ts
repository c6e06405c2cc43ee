import { createEnsureOnce, EnsureError, type EnsureOps } from '../../src/exactly-once/ensure-once.js';
import { silentLogger } from '../../src/log/logger.js';
import { NotionError } from '../../src/notion/errors.js';
import type { StateStore } from '../../src/state/store.js';
import type { FakeClock } from './fake-clock.js';

/** The lease and index lag the fake-clock ensure-once tests run with. */
export const CLOCKED = { leaseMs: 2_000, lagMs: 300 } as const;

/** One instance's ensure-once on a fake clock (a 500 ms request timeout). */
export function ensureOnClock(store: StateStore, clock: FakeClock, owner = 'a') {
  return createEnsureOnce({
    store,
    logger: silentLogger,
    owner,
    leaseMs: CLOCKED.leaseMs,
    indexLagMs: CLOCKED.lagMs,
    requestTimeoutMs: 500,
    now: clock.now,
    sleep: clock.sleep,
  });
}

/**
 * What one create does: `ok`; `lost` (page made, answer lost); `unmade` (sent, answer lost, no
 * page); `refused` (a definite 400); `held` (refused at admission, nothing sent); `hang` (the
 * owner dies before it sends); `dieAfter` (page made, the owner dies before the answer).
 */
export type Send = 'ok' | 'lost' | 'unmade' | 'refused' | 'held' | 'hang' | 'dieAfter';

/** Notion for ensure-once on a fake clock: pages, a query index that lags `lagMs`, scripted creates. */
export function clockedNotion(clock: FakeClock, lagMs: number) {
  const pages: Array<{ id: string; key: string; at: number }> = [];
  const counts = { lookups: 0, sent: 0 };
  let n = 0;
  const make = (key: string) => {
    const page = { id: `${key}-page-${++n}`, key, at: clock.now() };
    pages.push(page);
    return page.id;
  };
  return {
    pages,
    counts,
    /** The ops of one caller; its creates follow `script` in turn, then `ok`; `onCreate` runs as each starts. */
    ops(
      key: string,
      options: { born?: boolean; script?: Send[]; onCreate?: () => Promise<void> | void } = {},
    ): EnsureOps & { create(admit: () => void): Promise<string> } {
      const script = [...(options.script ?? [])];
      return {
        born: options.born,
        lookup: async () => {
          counts.lookups++;
          return pages.find((p) => p.key === key && clock.now() >= p.at + lagMs)?.id;
        },
        create: async (admit) => {
          await options.onCreate?.();
          const send = script.shift() ?? 'ok';
          if (send === 'held') throw new EnsureError('lease_short', 'the lease ran short in the queue');
          if (send === 'hang') return new Promise<string>(() => {});
          admit();
          counts.sent++;
          if (send === 'refused') throw new NotionError('validation_error', 'Name is not a property');
          if (send === 'unmade') throw new NotionError('outcome_unknown', 'socket hang up');
          const id = make(key);
          if (send === 'dieAfter') return new Promise<string>(() => {});
          if (send === 'lost')
            throw new NotionError('outcome_unknown', 'socket hang up after POST /v1/pages');
          return id;
        },
      };
    },
  };
}
