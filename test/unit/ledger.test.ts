import { describe, expect, it } from 'vitest';
import { createLedger } from '../../src/exactly-once/ledger.js';
import { silentLogger } from '../../src/log/logger.js';
import { createMemoryStore } from '../../src/state/memory.js';

function ledger(owner: string, clock: { t: number }, store = createMemoryStore()) {
  return {
    store,
    l: createLedger({
      store,
      logger: silentLogger,
      owner,
      leaseMs: 1_000,
      ttlMs: 86_400_000,
      now: () => clock.t,
    }),
  };
}

describe('event ledger', () => {
  it('a redelivered event is recognised as done and does no work', async () => {
    const clock = { t: 1_000 };
    const { l } = ledger('a', clock);
    const first = await l.begin('delivery:1', 'item:added');
    expect(first.status).toBe('new');
    if (first.status === 'new') await l.finish(first.entry);
    expect((await l.begin('delivery:1', 'item:added')).status).toBe('done');
  });

  it('a delivery being processed elsewhere is reported in progress, then taken over when its lease ends', async () => {
    const clock = { t: 1_000 };
    const { l: a, store } = ledger('a', clock);
    const b = createLedger({
      store,
      logger: silentLogger,
      owner: 'b',
      leaseMs: 1_000,
      ttlMs: 1,
      now: () => clock.t,
    });
    expect((await a.begin('k', 'item:added')).status).toBe('new');
    expect(await b.begin('k', 'item:added')).toEqual({ status: 'in_progress', owner: 'a' });
    clock.t += 1_001;
    expect((await b.begin('k', 'item:added')).status).toBe('new');
  });

  it('an abandoned delivery can be processed again at once', async () => {
    const clock = { t: 1_000 };
    const { l } = ledger('a', clock);
    const first = await l.begin('k', 'item:added');
    if (first.status !== 'new') throw new Error('expected new');
    await l.abandon(first.entry);
    expect((await l.begin('k', 'item:added')).status).toBe('new');
  });

  it('finished entries carry an expiry for the TTL policy', async () => {
    const clock = { t: 5_000 };
    const { l, store } = ledger('a', clock);
    const first = await l.begin('k', 'item:added');
    if (first.status !== 'new') throw new Error('expected new');
    await l.finish(first.entry);
    const [doc] = await store.list<{ expireAt: number; state: string }>('ledger');
    expect(doc?.data).toMatchObject({ state: 'done', expireAt: 5_000 + 86_400_000 });
  });
});
