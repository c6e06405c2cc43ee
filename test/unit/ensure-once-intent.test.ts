import { describe, expect, it } from 'vitest';
import { CLAIMS, type ClaimDoc } from '../../src/exactly-once/ensure-once.js';
import { docId } from '../../src/exactly-once/keys.js';
import { createMemoryStore } from '../../src/state/memory.js';
import type { StateStore } from '../../src/state/store.js';
import { CLOCKED, clockedNotion, ensureOnClock } from '../support/clocked-notion.js';
import { fakeClock } from '../support/fake-clock.js';
import { recordingStore } from '../support/recording-store.js';

const LAG_MS = CLOCKED.lagMs;
const instance = ensureOnClock;

async function claimOf(store: StateStore, kind: 'area' | 'todo', key: string) {
  return (await store.get<ClaimDoc>(CLAIMS, docId(kind, key)))?.data;
}

describe('a new claim carries the intent of its first create', () => {
  it('a new Area costs its claim three store calls: read, create with the intent, ready', async () => {
    // Prepare
    const clock = fakeClock();
    const store = recordingStore(createMemoryStore());
    const notion = clockedNotion(clock, LAG_MS);
    // Act
    const result = await instance(store.view, clock).ensure('area', 'home', notion.ops('home'));
    // Assess: no write between the look-up and the create, and no wait for a create never sent.
    expect(result.created).toBe(true);
    expect(store.calls).toEqual(['get claims', 'create claims', 'update claims']);
    expect(notion.counts).toEqual({ lookups: 1, sent: 1 });
    expect(clock.slept).toEqual([]);
  });

  it('a create held back at admission five times is not counted: the claim says none was sent', async () => {
    // Prepare: the limiter refuses every create, each time before it leaves.
    const clock = fakeClock();
    const store = createMemoryStore();
    const notion = clockedNotion(clock, LAG_MS);
    const held = notion.ops('t1', { born: true, script: ['held', 'held', 'held', 'held', 'held'] });
    // Act
    await expect(instance(store, clock).ensure('todo', 't1', held)).rejects.toMatchObject({
      code: 'lease_short',
    });
    // Assess: nothing sent, nothing counted, the key free at once; the next delivery makes one page.
    expect(notion.counts.sent).toBe(0);
    expect(await claimOf(store, 'todo', 't1')).toMatchObject({ attempts: 0, leaseUntil: 0 });
    const retried = await instance(store, clock).ensure('todo', 't1', notion.ops('t1', { born: true }));
    expect(retried.created).toBe(true);
    expect(notion.pages).toHaveLength(1);
  });

  it('held back four times, then sent: each create that left was the one the claim counted', async () => {
    // Prepare: note the claim's count as each create starts.
    const clock = fakeClock();
    const store = createMemoryStore();
    const notion = clockedNotion(clock, LAG_MS);
    const counted: number[] = [];
    const ops = notion.ops('t2', {
      born: true,
      script: ['held', 'held', 'held', 'held', 'ok'],
      onCreate: async () => {
        counted.push((await claimOf(store, 'todo', 't2'))?.attempts ?? -1);
      },
    });
    // Act
    const result = await instance(store, clock).ensure('todo', 't2', ops);
    // Assess
    expect(result.created).toBe(true);
    expect(counted).toEqual([1, 1, 1, 1, 1]);
    expect(notion.counts.sent).toBe(1);
    expect(notion.pages).toHaveLength(1);
  });

  it('after one create sent and lost, five held back leave the claim counting that one create', async () => {
    // Prepare: the first create left and Notion made nothing; the next ones are all held back.
    const clock = fakeClock();
    const store = createMemoryStore();
    const notion = clockedNotion(clock, LAG_MS);
    const ops = notion.ops('t3', { born: true, script: ['unmade', 'held', 'held', 'held', 'held', 'held'] });
    // Act
    await expect(instance(store, clock).ensure('todo', 't3', ops)).rejects.toMatchObject({
      code: 'lease_short',
    });
    // Assess
    expect(notion.counts.sent).toBe(1);
    expect(await claimOf(store, 'todo', 't3')).toMatchObject({ attempts: 1, leaseUntil: 0 });
  });

  it('a definite failure of the first create hands the claim back counting no create', async () => {
    // Prepare
    const clock = fakeClock();
    const store = createMemoryStore();
    const notion = clockedNotion(clock, LAG_MS);
    // Act
    await expect(
      instance(store, clock).ensure('area', 'work', notion.ops('work', { script: ['refused'] })),
    ).rejects.toMatchObject({ code: 'validation_error' });
    // Assess: Notion refused it, so nothing can exist: the next owner need not wait the index lag.
    expect(await claimOf(store, 'area', 'work')).toMatchObject({ attempts: 0, leaseUntil: 0 });
  });

  it('a look-up that fails before the first create leaves the claim counting no create', async () => {
    // Prepare
    const clock = fakeClock();
    const store = createMemoryStore();
    const notion = clockedNotion(clock, LAG_MS);
    const ops = notion.ops('errands');
    ops.lookup = async () => Promise.reject(new Error('Notion unreachable'));
    // Act
    await expect(instance(store, clock).ensure('area', 'errands', ops)).rejects.toThrow('unreachable');
    // Assess
    expect(notion.counts.sent).toBe(0);
    expect(await claimOf(store, 'area', 'errands')).toMatchObject({ state: 'pending', attempts: 0 });
  });

  it('creates whose outcome stays unknown stop at the same limit: three sent, then the error', async () => {
    // Prepare: every create leaves and Notion never makes the page.
    const clock = fakeClock();
    const store = createMemoryStore();
    const notion = clockedNotion(clock, LAG_MS);
    for (const born of [true, false]) {
      const key = born ? 'born' : 'seen';
      const ops = notion.ops(key, { born, script: ['unmade', 'unmade', 'unmade', 'unmade'] });
      // Act
      const failed = instance(store, clock).ensure('todo', key, ops);
      // Assess
      await expect(failed).rejects.toMatchObject({ code: 'create_attempts_exhausted' });
    }
    expect(notion.counts.sent).toBe(6);
    expect(notion.pages).toHaveLength(0);
  });
});

describe('creates past the attempts limit', () => {
  it('are not refused for good: after a quiet period twice the index lag with no page, one more is sent', async () => {
    // Prepare: three creates leave and Notion makes none of them.
    const clock = fakeClock();
    const store = createMemoryStore();
    const notion = clockedNotion(clock, LAG_MS);
    const ops = notion.ops('t9', { born: true, script: ['unmade', 'unmade', 'unmade'] });
    await expect(instance(store, clock).ensure('todo', 't9', ops)).rejects.toMatchObject({
      code: 'create_attempts_exhausted',
    });
    // Act: a redelivery at once, then one after the quiet period.
    const early = instance(store, clock).ensure('todo', 't9', ops);
    await expect(early).rejects.toMatchObject({ code: 'create_attempts_exhausted' });
    const sentEarly = notion.counts.sent;
    clock.advance(2 * LAG_MS);
    const late = await instance(store, clock).ensure('todo', 't9', ops);
    // Assess: nothing sent while it was quiet, then exactly one page.
    expect(sentEarly).toBe(3);
    expect(late.created).toBe(true);
    expect(notion.counts.sent).toBe(4);
    expect(notion.pages).toHaveLength(1);
    expect(await claimOf(store, 'todo', 't9')).toMatchObject({ state: 'ready', pageId: late.pageId });
  });

  it('adopt a page that shows during the quiet period instead of making a second', async () => {
    // Prepare: the index lags twice what the instance assumes; the third create made a page.
    const clock = fakeClock();
    const store = createMemoryStore();
    const notion = clockedNotion(clock, 2 * LAG_MS);
    const ops = notion.ops('t8', { born: true, script: ['unmade', 'unmade', 'lost'] });
    await expect(instance(store, clock).ensure('todo', 't8', ops)).rejects.toMatchObject({
      code: 'create_attempts_exhausted',
    });
    // Act
    clock.advance(2 * LAG_MS);
    const late = await instance(store, clock).ensure('todo', 't8', ops);
    // Assess
    expect(late.created).toBe(false);
    expect(notion.counts.sent).toBe(3);
    expect(notion.pages).toHaveLength(1);
    expect(late.pageId).toBe(notion.pages[0]?.id);
  });
});

describe('pointing a key at a page (a Todo made in Notion, cleanup)', () => {
  it('waits for another owner about to create, then answers the page it made for the caller to trash', async () => {
    // Prepare: instance w holds the task's new claim and is about to create its page.
    const clock = fakeClock();
    const store = createMemoryStore();
    const id = docId('todo', 't7');
    const pending = await store.create<ClaimDoc>(CLAIMS, id, {
      kind: 'todo',
      key: 't7',
      state: 'pending',
      owner: 'w',
      leaseUntil: clock.now() + CLOCKED.leaseMs,
      pageId: null,
      attempts: 1,
      lastAttemptAt: clock.now(),
      updatedAt: clock.now(),
    });
    let finished = false;
    clock.whileSleeping(async () => {
      if (finished) return;
      finished = true;
      await store.update<ClaimDoc>(
        CLAIMS,
        id,
        { ...pending.data, state: 'ready', pageId: 'page-made-by-w', leaseUntil: 0, attempts: 0 },
        pending.version,
      );
    });
    // Act
    const replaced = await instance(store, clock).point('todo', 't7', 'page-made-in-notion');
    // Assess: w's create was not overtaken; its page is handed back and the key shows ours.
    expect(replaced).toBe('page-made-by-w');
    expect(await claimOf(store, 'todo', 't7')).toMatchObject({
      state: 'ready',
      pageId: 'page-made-in-notion',
    });
  });

  it('overwrites a claim whose owner died once its lease is over, with nothing to trash', async () => {
    // Prepare
    const clock = fakeClock();
    const store = createMemoryStore();
    await store.create<ClaimDoc>(CLAIMS, docId('todo', 't6'), {
      kind: 'todo',
      key: 't6',
      state: 'pending',
      owner: 'dead',
      leaseUntil: clock.now() + CLOCKED.leaseMs,
      pageId: null,
      attempts: 0,
      lastAttemptAt: 0,
      updatedAt: clock.now(),
    });
    // Act
    const replaced = await instance(store, clock).point('todo', 't6', 'page-made-in-notion');
    // Assess
    expect(replaced).toBeUndefined();
    expect(clock.now()).toBeGreaterThanOrEqual(1_800_000_000_000 + CLOCKED.leaseMs);
    expect(await claimOf(store, 'todo', 't6')).toMatchObject({
      state: 'ready',
      pageId: 'page-made-in-notion',
    });
  });
});
