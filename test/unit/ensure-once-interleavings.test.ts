import { describe, expect, it } from 'vitest';
import {
  CLAIMS,
  type ClaimDoc,
  createEnsureOnce,
  type EnsureOps,
} from '../../src/exactly-once/ensure-once.js';
import { docId } from '../../src/exactly-once/keys.js';
import { silentLogger } from '../../src/log/logger.js';
import { createMemoryStore } from '../../src/state/memory.js';
import type { StateStore } from '../../src/state/store.js';
import { CLOCKED, clockedNotion, ensureOnClock } from '../support/clocked-notion.js';
import { fakeClock } from '../support/fake-clock.js';
import { recordingStore } from '../support/recording-store.js';
import { stallable } from '../support/stallable-store.js';

const wait = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Notion for one workspace: pages, a query index that lags `lagMs`, and a create that first waits
 * `queueMs` in the limiter's queue (then is admitted, or refused by `admit`) and lands `sendMs` later.
 */
function slowNotion(lagMs: number) {
  const pages: Array<{ id: string; key: string; at: number; trashed: boolean }> = [];
  let n = 0;
  return {
    pages,
    live: (key: string) => pages.filter((p) => p.key === key && !p.trashed),
    ops(key: string, timing: { queueMs?: number; sendMs?: number; afterCreate?: () => Promise<void> } = {}) {
      const ops: EnsureOps & { create(admit: () => void): Promise<string> } = {
        lookup: async () => {
          await wait(2);
          const visible = pages.filter((p) => p.key === key && !p.trashed && Date.now() >= p.at + lagMs);
          return visible.sort((a, b) => a.at - b.at)[0]?.id;
        },
        create: async (admit) => {
          await wait(timing.queueMs ?? 0);
          admit();
          await wait(timing.sendMs ?? 5);
          const page = { id: `page-${++n}`, key, at: Date.now(), trashed: false };
          pages.push(page);
          await timing.afterCreate?.();
          return page.id;
        },
        discard: async (id) => {
          const page = pages.find((p) => p.id === id);
          if (page) page.trashed = true;
        },
      };
      return ops;
    },
  };
}

function instance(store: StateStore, owner: string, leaseMs: number, indexLagMs: number, timeoutMs = 0) {
  return createEnsureOnce({
    store,
    logger: silentLogger,
    owner,
    leaseMs,
    indexLagMs,
    requestTimeoutMs: timeoutMs,
    maxWaitMs: 10_000,
  });
}

describe('ensure-once interleavings', () => {
  it("a task's own ensure and a child's find of it in one process make one page, and the ensure made it", async () => {
    const store = createMemoryStore();
    const notion = slowNotion(200);
    const inst = instance(store, 'a', 2_000, 200);
    const ensuring = inst.ensure('todo', 'parent', notion.ops('parent', { sendMs: 250 }));
    await wait(20);
    const found = inst.find('todo', 'parent', notion.ops('parent').lookup);
    const [result, seen] = await Promise.all([ensuring, found]);
    expect(notion.pages).toHaveLength(1);
    expect(result).toEqual({ pageId: notion.pages[0]?.id, created: true });
    expect(seen).toBe(result.pageId);
  });

  it('a find that finds nothing keeps the record of an earlier owner’s create', async () => {
    const store = createMemoryStore();
    const notion = slowNotion(100);
    const id = docId('todo', 't1');
    const t = Date.now();
    const dead: ClaimDoc = {
      kind: 'todo',
      key: 't1',
      state: 'pending',
      owner: 'gone',
      leaseUntil: t - 1,
      pageId: null,
      attempts: 1,
      lastAttemptAt: t - 5_000,
      updatedAt: t - 5_000,
    };
    await store.create(CLAIMS, id, dead);
    expect(
      await instance(store, 'a', 2_000, 100).find('todo', 't1', notion.ops('t1').lookup),
    ).toBeUndefined();
    const after = await store.get<ClaimDoc>(CLAIMS, id);
    expect(after?.data).toMatchObject({ state: 'pending', attempts: 1 });
    expect(after?.data.leaseUntil).toBeLessThanOrEqual(Date.now());
  });

  it('a page made under a claim that was lost meanwhile is adopted, not left beside a second one', async () => {
    const store = createMemoryStore();
    const notion = slowNotion(300);
    const id = docId('area', 'home');
    // Someone removes the claim while the create is under way (as an invalidation by another caller would).
    const ops = notion.ops('home', {
      afterCreate: async () => {
        const snap = await store.get(CLAIMS, id);
        if (snap) await store.remove(CLAIMS, id, snap.version);
      },
    });
    const result = await instance(store, 'a', 2_000, 300).ensure('area', 'home', ops);
    expect(notion.pages).toHaveLength(1);
    expect(result.pageId).toBe(notion.pages[0]?.id);
  });

  it('an owner whose create waits in the queue longer than the lease keeps its claim (renewed) and makes one page', async () => {
    const store = createMemoryStore();
    const notion = slowNotion(100);
    const slow = instance(store, 'slow', 600, 100, 100);
    const ensuring = slow.ensure('project', 'p1', notion.ops('p1', { queueMs: 1_000 }));
    // Past the first lease: without renewal the claim would be free to take now.
    await wait(700);
    const other = await instance(store, 'other', 600, 100, 100).ensure('project', 'p1', notion.ops('p1'));
    expect((await ensuring).pageId).toBe(other.pageId);
    expect(notion.pages).toHaveLength(1);
  });

  it('an owner cut off from the store past its lease never sends its create after a taker made the page', async () => {
    const store = createMemoryStore();
    const cut = stallable(store);
    const notion = slowNotion(100);
    const stalled = instance(cut.view, 'stalled', 600, 100, 100);
    const ensuring = stalled.ensure('project', 'p2', notion.ops('p2', { queueMs: 900 }));
    await wait(50);
    cut.stall();
    const taker = await instance(store, 'taker', 600, 100, 100).ensure('project', 'p2', notion.ops('p2'));
    await wait(1_000);
    cut.resume();
    expect((await ensuring).pageId).toBe(taker.pageId);
    expect(notion.pages).toHaveLength(1);
  });

  it('the same item:added delivered to four instances at once makes one page, created by one of them', async () => {
    // Prepare
    const store = createMemoryStore();
    const notion = slowNotion(200);
    const born = (owner: string) =>
      instance(store, owner, 2_000, 200).ensure('todo', 't9', {
        ...notion.ops('t9', { sendMs: 50 }),
        born: true,
      });
    // Act
    const results = await Promise.all(['a', 'b', 'c', 'd'].map(born));
    // Assess
    expect(notion.pages).toHaveLength(1);
    expect(new Set(results.map((r) => r.pageId))).toEqual(new Set([notion.pages[0]?.id]));
    expect(results.filter((r) => r.created)).toHaveLength(1);
  });

  describe('an owner dies while its new claim already counts its create (fake clock)', () => {
    const LEASE_MS = CLOCKED.leaseMs;
    const LAG_MS = CLOCKED.lagMs;
    const onClock = (store: StateStore, owner: string, clock: ReturnType<typeof fakeClock>) =>
      ensureOnClock(store, clock, owner);

    for (const death of ['hang', 'dieAfter'] as const) {
      const when = death === 'hang' ? 'before its create leaves' : 'after its create made the page';
      it(`dead ${when}: the successor after the lease makes or adopts one page, never two`, async () => {
        // Prepare: owner A creates the claim and dies at its create, cut off from the store.
        const clock = fakeClock();
        const store = createMemoryStore();
        const grave = stallable(store);
        const seen = recordingStore(grave.view);
        const notion = clockedNotion(clock, LAG_MS);
        let died = () => {};
        const dead = new Promise<void>((resolve) => {
          died = resolve;
        });
        const onCreate = () => {
          grave.stall();
          died();
        };
        const dying = notion.ops('t1', { born: true, script: [death], onCreate });
        void onClock(seen.view, 'a', clock).ensure('todo', 't1', dying);
        await dead;
        // The one claim write A made already counts the create it was about to send.
        expect(seen.calls).toEqual(['create claims']);
        expect((await store.get<ClaimDoc>(CLAIMS, docId('todo', 't1')))?.data).toMatchObject({
          owner: 'a',
          attempts: 1,
          lastAttemptAt: clock.now(),
        });
        // Act: the item:added is redelivered to B once A's lease is over.
        clock.advance(LEASE_MS + 1);
        const taken = await onClock(store, 'b', clock).ensure('todo', 't1', notion.ops('t1', { born: true }));
        // Assess
        expect(notion.pages).toHaveLength(1);
        expect(taken.pageId).toBe(notion.pages[0]?.id);
        expect(taken.created).toBe(death === 'hang');
        expect(notion.counts.lookups).toBeGreaterThan(0);
      });
    }
  });
});
