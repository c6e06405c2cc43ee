import { afterEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../../src/log/logger.js';
import { reconcile } from '../../src/reconcile/engine.js';
import { LEASES } from '../../src/reconcile/lease.js';
import { prepareRun } from '../../src/reconcile/prepare.js';
import { RECONCILE_COLLECTION, readLastRunRecord } from '../../src/reconcile/window.js';
import { createSyncContext } from '../../src/runtime.js';
import { createMemoryStore } from '../../src/state/memory.js';
import type { StateStore } from '../../src/state/store.js';
import { createTodoistApi } from '../../src/todoist/api.js';
import { makeProject, makeTask, startTodoistFake, type TodoistFake } from '../support/todoist-fake/index.js';
import { fakeWorkspace, unitConfig } from '../support/unit-context.js';

const stamp = (ms: number) => `${new Date(ms).toISOString().slice(0, 19)}.000000Z`;

let fakes: TodoistFake[] = [];
afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(fakes.map((f) => f.close()));
  fakes = [];
});

/** A store whose window writes take a while, telling when the window landed and when the lease was freed. */
function timedStore(inner: StateStore) {
  const events: string[] = [];
  let windowReads = 0;
  const slowWindow =
    <A extends [string, ...unknown[]], R>(call: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      if (args[0] !== RECONCILE_COLLECTION) return call(...args);
      await new Promise((resolve) => setTimeout(resolve, 30));
      const result = await call(...args);
      events.push('window written');
      return result;
    };
  const store: StateStore = {
    ...inner,
    get: (collection, id) => {
      if (collection === RECONCILE_COLLECTION) windowReads += 1;
      return inner.get(collection, id);
    },
    create: slowWindow(inner.create.bind(inner)) as StateStore['create'],
    update: slowWindow(inner.update.bind(inner)) as StateStore['update'],
    remove: (collection, id, version) => {
      if (collection === LEASES) events.push('lease freed');
      return inner.remove(collection, id, version);
    },
  };
  return { store, events, windowReads: () => windowReads };
}

async function setup(store: StateStore) {
  const at = stamp(Date.now() - 3_600_000);
  const fake = await startTodoistFake({
    tasks: [makeTask({ id: 'w1', content: 'One', project_id: 'pA', updated_at: at })],
    projects: [makeProject({ id: 'pA', name: 'Alpha' })],
  });
  fakes.push(fake);
  const config = unitConfig({ TODOIST_API_TOKEN: fake.token, TODOIST_BASE_URL: fake.url }, 'reconcile');
  const todoist = createTodoistApi({ token: fake.token, baseUrl: fake.url, sleep: async () => {} });
  return createSyncContext(config, silentLogger, { store, notion: fakeWorkspace().api, todoist });
}

describe('the completed-tasks window when runs follow each other closely', () => {
  it('a first run writes its window before it frees the lease; a later run frees it meanwhile', async () => {
    // Prepare
    vi.useFakeTimers({ toFake: ['Date'] });
    const { store, events } = timedStore(createMemoryStore());
    const ctx = await setup(store);

    // Act: the first run ever, then the next one a minute later.
    expect((await reconcile(ctx, { allowCreates: true })).status).toBe('done');
    const first = [...events];
    events.length = 0;
    vi.setSystemTime(Date.now() + 60_000);
    expect((await reconcile(ctx)).status).toBe('done');

    // Assess: a run starting between the first run's release and its window would take itself
    // for a first run too; after that, a run starting early only reads more completions.
    expect(first).toEqual(['window written', 'lease freed']);
    expect(events).toEqual(['lease freed', 'window written']);
  });

  it('a window read before the lease was won: one found stands, none found is read again', async () => {
    // Prepare: a store holding the window of an earlier run.
    const { store, windowReads } = timedStore(createMemoryStore());
    const ctx = await setup(store);
    await reconcile(ctx, { allowCreates: true });
    const stored = await readLastRunRecord(store);
    const before = windowReads();

    // Act: the early read found the record; then it found none (the first run had not written yet).
    const found = await prepareRun(ctx, {}, Promise.resolve(stored));
    const afterFound = windowReads();
    const none = await prepareRun(ctx, {}, Promise.resolve({ record: undefined }));

    // Assess: no second read when found; read again when not, and no first run taken for granted.
    expect(found.window.firstRun).toBe(false);
    expect(afterFound).toBe(before);
    expect(none.window.firstRun).toBe(false);
    expect(windowReads()).toBe(afterFound + 1);
  });

  it('active tasks are listed while the window is read, not after', async () => {
    // Prepare: the window's read answers only once Todoist was asked for the active tasks (or
    // after a while, if it never is).
    let listed = false;
    let listedFirst: boolean | undefined;
    const inner = createMemoryStore();
    const store: StateStore = {
      ...inner,
      get: async (collection, id) => {
        if (collection === RECONCILE_COLLECTION) {
          const deadline = performance.now() + 1_000;
          while (!listed && performance.now() < deadline) await new Promise((r) => setImmediate(r));
          listedFirst ??= listed;
        }
        return inner.get(collection, id);
      },
    };
    const ctx = await setup(store);
    const api = ctx.todoist;
    if (!api) throw new Error('no Todoist API');
    const watched = {
      ...ctx,
      todoist: {
        ...api,
        getTasks: (params?: Parameters<typeof api.getTasks>[0]) => {
          listed = true;
          return api.getTasks(params);
        },
      },
    };

    // Act
    const run = await reconcile(watched, { allowCreates: true });

    // Assess
    expect(run.status).toBe('done');
    expect(listedFirst).toBe(true);
  });
});
