import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ENTITIES, type EntityDoc, putEntity } from '../../src/exactly-once/entity-state.js';
import { docId } from '../../src/exactly-once/keys.js';
import { INDEX } from '../../src/reconcile/index-chunks.js';
import { listedTodos, storedTodos } from '../../src/reconcile/stored-view.js';
import { createMemoryStore } from '../../src/state/memory.js';
import type { StateStore } from '../../src/state/store.js';

/** A small seeded generator, so a failing seed can be replayed. */
function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n: number) => Math.floor(next() * n), chance: (p: number) => next() < p };
}
type Rng = ReturnType<typeof random>;

/** How long before it lands a slow request may have stamped its write (well past any request timeout). */
const LATE_MS = 9 * 60_000;

function randomTodo(rng: Rng, key: string, kind: EntityDoc['kind'] = 'todo'): EntityDoc {
  const desiredHash = `h${rng.int(3)}`;
  const shown = rng.chance(0.6);
  return {
    kind,
    key,
    version: `v${String(rng.int(1000)).padStart(4, '0')}`,
    deleted: rng.chance(0.1),
    desired: rng.chance(0.1) ? '{broken' : JSON.stringify({ Done: { checkbox: rng.chance(0.3) } }),
    desiredHash,
    appliedHash: shown ? desiredHash : rng.chance(0.5) ? null : 'older',
    updatedAt: Date.now(),
  };
}

/** Writes a random new or changed state of a random task (or project), the way every writer does. */
async function randomWrite(store: StateStore, rng: Rng, tasks: number) {
  const kind = rng.chance(0.1) ? 'project' : 'todo';
  const key = `t${rng.int(tasks)}`;
  const id = docId(kind, key);
  const current = await store.get<EntityDoc>(ENTITIES, id);
  await putEntity(store, id, randomTodo(rng, key, kind), current?.version);
}

/** A store whose range query lets `late` writes land after it answered (stamped before it was asked). */
function withLateWrites(inner: StateStore) {
  let late: (() => Promise<void>) | undefined;
  let asked: Promise<Map<string, unknown>> | undefined;
  const calls = { list: 0, listSince: 0 };
  const answered = async <T>(result: T): Promise<T> => {
    asked = listedTodos(inner);
    await asked;
    await late?.();
    late = undefined;
    return result;
  };
  const store: StateStore = {
    ...inner,
    list: async (collection) => {
      if (collection === ENTITIES) calls.list += 1;
      return answered(await inner.list(collection));
    },
    listSince: async (collection, field, since) => {
      calls.listSince += 1;
      return answered(await inner.listSince(collection, field, since));
    },
  };
  return {
    store,
    calls,
    lateWrites: (work: () => Promise<void>) => {
      late = work;
    },
    /** The full listing at the moment the run's query was answered. */
    listingWhenAsked: () => asked,
  };
}

describe('the reconcile index: a run decides from the same stored states as a full listing', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-11-01T00:00:00Z'));
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it.each([1, 2, 3, 4, 5, 6, 7, 8])(
    'random writes between runs and inside the overlap (seed %i)',
    async (seed) => {
      // Prepare: a store of random tasks (and projects), some written before the index existed.
      const rng = random(seed);
      const tasks = 40 + rng.int(200);
      const inner = createMemoryStore();
      for (let i = 0; i < tasks / 2; i++)
        await inner.create(ENTITIES, docId('todo', `t${i}`), randomTodo(rng, `t${i}`)); // no writtenAt
      for (let i = 0; i < tasks / 4; i++) await randomWrite(inner, rng, tasks);
      const { store, calls, lateWrites, listingWhenAsked } = withLateWrites(inner);

      for (let run = 0; run < 12; run++) {
        // Tasks created, changed, finished and deleted between runs, minutes to hours apart.
        vi.advanceTimersByTime(rng.int(3 * 3_600_000));
        for (let i = rng.int(30); i > 0; i--) {
          vi.advanceTimersByTime(rng.int(60_000));
          await randomWrite(inner, rng, tasks);
        }
        // Writes stamped before this run's built-at but landing after its query was answered.
        const startedAt = Date.now();
        lateWrites(async () => {
          for (let i = rng.int(4); i > 0; i--) {
            vi.setSystemTime(startedAt - rng.int(LATE_MS));
            await randomWrite(inner, rng, tasks);
          }
          vi.setSystemTime(startedAt);
        });

        // Act: the run's view of the stored todos.
        const view = await storedTodos(store);

        // Assess: exactly the full listing as it stood when the run asked.
        expect(view).toEqual(await listingWhenAsked());
      }
      // Only the first run, without an index, listed the entities.
      expect(calls.list).toBe(1);
      expect(calls.listSince).toBe(11);
    },
  );

  it('a broken or missing chunk makes the run list the store again, then rebuild the index', async () => {
    const inner = createMemoryStore();
    const rng = random(42);
    for (let i = 0; i < 50; i++) await randomWrite(inner, rng, 50);
    const { store, calls } = withLateWrites(inner);
    await storedTodos(store);
    await inner.remove(INDEX, 'chunk-0');

    const view = await storedTodos(store);

    expect(view).toEqual(await listedTodos(inner));
    expect(calls.list).toBe(2);
    await storedTodos(store);
    expect(calls.list).toBe(2);
  });

  it('an index of 9,000 tasks is split into chunks far below Firestore’s 1 MiB document limit', async () => {
    const store = createMemoryStore();
    const rng = random(7);
    for (let i = 0; i < 9_000; i++)
      await putEntity(store, docId('todo', `t${i}`), randomTodo(rng, `t${i}`), undefined);

    await storedTodos(store);

    const chunks = (await store.list<{ rows: string }>(INDEX)).filter((d) => d.id !== 'meta');
    expect(chunks.length).toBeGreaterThanOrEqual(8);
    for (const chunk of chunks) {
      expect(Buffer.byteLength(chunk.data.rows)).toBeLessThan(512 * 1024);
      expect((JSON.parse(chunk.data.rows) as unknown[]).length).toBeLessThanOrEqual(4_000);
    }
    expect(chunks.reduce((n, c) => n + (JSON.parse(c.data.rows) as unknown[]).length, 0)).toBe(9_000);
  });

  it('once a day a run lists every stored state anyway, whatever the index says', async () => {
    // Prepare: an index built by a first run; then a write no later run's query will see (as an
    // older revision's unstamped write during a rollout would be), hidden by removing its stamp.
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const inner = createMemoryStore();
      const rng = random(11);
      for (let i = 0; i < 30; i++) await randomWrite(inner, rng, 30);
      const { store, calls } = withLateWrites(inner);
      await storedTodos(store);
      const id = docId('todo', 'unstamped');
      const doc = { ...randomTodo(rng, 'unstamped'), deleted: false };
      await inner.create(ENTITIES, id, doc);

      // Act: runs an hour apart for a day.
      const views: Array<Map<string, unknown>> = [];
      for (let hour = 1; hour <= 24; hour++) {
        vi.setSystemTime(Date.now() + 3_600_000);
        views.push(await storedTodos(store));
      }

      // Assess: the hourly runs trust the index (the unstamped state is missing), the run a day
      // after the first listing lists again and sees it.
      expect(calls.list).toBe(2);
      expect(views[0]?.has('unstamped')).toBe(false);
      expect(views[23]?.has('unstamped')).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  it('a run whose query for the states written since fails (too large an answer) lists every state instead', async () => {
    // Prepare: an index, then a bulk change of every state, and a query that fails once.
    const inner = createMemoryStore();
    const rng = random(5);
    for (let i = 0; i < 40; i++) await randomWrite(inner, rng, 40);
    const { store, calls } = withLateWrites(inner);
    await storedTodos(store);
    for (let i = 0; i < 40; i++) await randomWrite(inner, rng, 40);
    let failures = 1;
    const flaky: StateStore = {
      ...store,
      listSince: async (collection, field, since) => {
        if (failures-- > 0) throw new Error('deadline exceeded');
        return store.listSince(collection, field, since);
      },
    };

    // Act
    const view = await storedTodos(flaky);
    const next = await storedTodos(flaky);

    // Assess: the failed run decided from the whole listing; the next one from the index again.
    expect(view).toEqual(await listedTodos(inner));
    expect(next).toEqual(await listedTodos(inner));
    expect(calls.list).toBe(2);
  });
});
