import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../../src/log/logger.js';
import { reconcile } from '../../src/reconcile/engine.js';
import { INDEX, META_ID } from '../../src/reconcile/index-chunks.js';
import { acquireLease, LEASES } from '../../src/reconcile/lease.js';
import { createSyncContext } from '../../src/runtime.js';
import { createMemoryStore } from '../../src/state/memory.js';
import type { StateStore } from '../../src/state/store.js';
import { createTodoistApi, type TodoistApi } from '../../src/todoist/api.js';
import { makeProject, makeTask, startTodoistFake, type TodoistFake } from '../support/todoist-fake/index.js';
import { fakeWorkspace, unitConfig } from '../support/unit-context.js';

const HOUR = 3_600_000;
const TASKS = 60;
const stamp = (ms: number) => `${new Date(ms).toISOString().slice(0, 19)}.000000Z`;

type Op = 'read' | 'write' | 'delete';

/** A store that records every call by collection, as Firestore bills them (a list: one read per document). */
function recording(inner: StateStore) {
  const calls: Array<{ collection: string; op: Op; id?: string }> = [];
  const store: StateStore = {
    ...inner,
    get: (collection, id) => {
      calls.push({ collection, op: 'read', id });
      return inner.get(collection, id);
    },
    create: (collection, id, data) => {
      calls.push({ collection, op: 'write', id });
      return inner.create(collection, id, data);
    },
    update: (collection, id, data, version) => {
      calls.push({ collection, op: 'write', id });
      return inner.update(collection, id, data, version);
    },
    remove: (collection, id, version) => {
      calls.push({ collection, op: 'delete', id });
      return inner.remove(collection, id, version);
    },
    list: async <T extends object>(collection: string) => {
      const docs = await inner.list<T>(collection);
      for (let i = Math.max(1, docs.length); i > 0; i--) calls.push({ collection, op: 'read' });
      return docs;
    },
    listSince: async <T extends object>(collection: string, field: string, since: number) => {
      const docs = await inner.listSince<T>(collection, field, since);
      for (let i = Math.max(1, docs.length); i > 0; i--) calls.push({ collection, op: 'read' });
      return docs;
    },
  };
  const count = (from: number, op: Op, collection?: string) =>
    calls.slice(from).filter((c) => c.op === op && (collection === undefined || c.collection === collection))
      .length;
  return { store, calls, count };
}

let fakes: TodoistFake[] = [];
afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(fakes.map((f) => f.close()));
  fakes = [];
});

async function setup(wrap?: (api: TodoistApi, store: ReturnType<typeof recording>) => TodoistApi) {
  const T0 = Date.now() - 5 * HOUR;
  const fake = await startTodoistFake({
    tasks: Array.from({ length: TASKS }, (_, i) =>
      makeTask({ id: `t${i}`, content: `Task ${i}`, project_id: i % 2 ? 'pA' : 'pB', updated_at: stamp(T0) }),
    ),
    projects: [makeProject({ id: 'pA', name: 'Alpha' }), makeProject({ id: 'pB', name: 'Beta' })],
  });
  fakes.push(fake);
  const recorded = recording(createMemoryStore());
  const config = unitConfig({ TODOIST_API_TOKEN: fake.token, TODOIST_BASE_URL: fake.url }, 'reconcile');
  const api = createTodoistApi({ token: fake.token, baseUrl: fake.url, sleep: async () => {} });
  const notion = fakeWorkspace();
  const ctx = createSyncContext(config, silentLogger, {
    store: recorded.store,
    notion: notion.api,
    todoist: wrap ? wrap(api, recorded) : api,
  });
  return { fake, ctx, notion, ...recorded };
}

describe('a scheduled reconcile asks the store only what it needs', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-11-02T08:00:00Z'));
  });

  it('an hourly tick over an account in step: the lease created at once, the window read once, the index and one query', async () => {
    // Prepare: a backfill, then the next hourly run (it reads what the backfill wrote, once).
    const { ctx, calls, count } = await setup();
    expect((await reconcile(ctx, { allowCreates: true })).created).toBe(TASKS);
    vi.advanceTimersByTime(HOUR);
    expect((await reconcile(ctx)).status).toBe('done');
    vi.advanceTimersByTime(HOUR);
    const from = calls.length;

    // Act: the run every hour pays.
    const run = await reconcile(ctx);

    // Assess: nothing changed; the lease is written and freed, never read; the window is read
    // once and written once; the index costs its meta, one chunk and one query; each project is
    // read once. Today's bound for 1,000 tasks is 11 reads, 3 writes, 1 delete.
    expect(run).toMatchObject({ status: 'done', created: 0, updated: 0, unchanged: TASKS });
    expect(count(from, 'read', LEASES)).toBe(0);
    expect(count(from, 'write', LEASES)).toBe(1);
    expect(count(from, 'delete', LEASES)).toBe(1);
    expect(count(from, 'read', 'reconcile')).toBe(1);
    expect(count(from, 'write', 'reconcile')).toBe(1);
    expect(count(from, 'read', INDEX)).toBe(2);
    expect({
      reads: count(from, 'read'),
      writes: count(from, 'write'),
      deletes: count(from, 'delete'),
    }).toEqual({
      reads: 1 + 2 + 1 + 2, // the window, meta and chunk, the query, one per project
      writes: 3,
      deletes: 1,
    });
  });

  it('a tick finding the lease held by another run changes nothing and asks Todoist nothing', async () => {
    // Prepare
    const { ctx, calls, count, fake, store } = await setup();
    const other = await acquireLease({
      store,
      name: 'reconcile',
      owner: 'elsewhere',
      ttlMs: 60_000,
      heartbeat: false,
    });
    const held = await store.get(LEASES, 'reconcile');
    const from = calls.length;
    const todoist = fake.counts().total;

    // Act
    const run = await reconcile(ctx);

    // Assess: busy, the holder named; one create refused and the lease read once (beside it,
    // the window the run would have needed); no Todoist call, no index, the other run's lease as
    // it was.
    expect(run).toMatchObject({ status: 'busy', holder: { owner: 'elsewhere' } });
    expect(calls.slice(from).map((c) => `${c.op} ${c.collection}`)).toEqual([
      'read reconcile',
      `write ${LEASES}`,
      `read ${LEASES}`,
    ]);
    expect(count(from, 'delete')).toBe(0);
    expect(fake.counts().total).toBe(todoist);
    expect(await store.get(LEASES, 'reconcile')).toEqual(held);
    await other?.release();
  });

  it('the index is read while Todoist is still answering, not after', async () => {
    // Prepare: Todoist's task listing answers only once the store was asked for the index (or
    // after a while, if it never is).
    let indexAsked = false;
    const { ctx } = await setup((api, recorded) => ({
      ...api,
      getProject: (id) => api.getProject(id),
      getTask: (id) => api.getTask(id),
      getCollaborators: (id) => api.getCollaborators(id),
      getSection: (id) => api.getSection(id),
      getProjects: () => api.getProjects(),
      getCompletedTasks: (range) => api.getCompletedTasks(range),
      async *getTasks(params) {
        const deadline = performance.now() + 1_000;
        while (
          performance.now() < deadline &&
          !recorded.calls.some((c) => c.collection === INDEX && c.id === META_ID)
        )
          await new Promise((resolve) => setImmediate(resolve));
        indexAsked = recorded.calls.some((c) => c.collection === INDEX && c.id === META_ID);
        yield* api.getTasks(params);
      },
    }));

    // Act
    const run = await reconcile(ctx, { allowCreates: true });

    // Assess
    expect(run.status).toBe('done');
    expect(indexAsked).toBe(true);
  });
});
