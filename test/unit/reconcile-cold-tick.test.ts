import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../../src/log/logger.js';
import { reconcile } from '../../src/reconcile/engine.js';
import { INDEX } from '../../src/reconcile/index-chunks.js';
import { FULL_LISTING_EVERY_MS } from '../../src/reconcile/stored-view.js';
import { readLastRun } from '../../src/reconcile/window.js';
import { createSyncContext } from '../../src/runtime.js';
import { createMemoryStore } from '../../src/state/memory.js';
import type { StateStore } from '../../src/state/store.js';
import { createTodoistApi } from '../../src/todoist/api.js';
import { recordingStore } from '../support/recording-store.js';
import { makeProject, startTodoistFake, type TodoistFake } from '../support/todoist-fake/index.js';
import { fakeWorkspace, IDS, unitConfig } from '../support/unit-context.js';

const HOUR = 3_600_000;

let fakes: TodoistFake[] = [];
afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(fakes.map((f) => f.close()));
  fakes = [];
});

async function setup(projects: string[]) {
  const fake = await startTodoistFake({ projects: projects.map((id) => makeProject({ id, name: id })) });
  fakes.push(fake);
  const recorded = recordingStore(createMemoryStore());
  const config = unitConfig({ TODOIST_API_TOKEN: fake.token, TODOIST_BASE_URL: fake.url }, 'reconcile');
  const todoist = createTodoistApi({ token: fake.token, baseUrl: fake.url, sleep: async () => {} });
  const notion = fakeWorkspace();
  const ctx = createSyncContext(config, silentLogger, { store: recorded.view, notion: notion.api, todoist });
  const projectPages = () => notion.pages(IDS.projects).map((p) => notion.text(p.properties['Todoist ID']));
  const count = (from: number, call: string, to?: number) =>
    recorded.calls.slice(from, to).filter((c) => c === call).length;
  return { fake, ctx, projectPages, count, ...recorded };
}

describe('the store requests of a cold reconcile tick', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-11-02T08:00:00Z'));
  });

  it('the first tick of a deployment reads the window once: finding no index proves no run recorded one', async () => {
    // Prepare: a fresh store, an account with nothing in it.
    const { ctx, calls } = await setup([]);

    // Act
    const run = await reconcile(ctx);

    // Assess: the window read beside the lease is not read again after it; the index is written
    // before the first window, which is written before the lease is freed.
    expect(run.status).toBe('done');
    expect(calls).toEqual([
      'get reconcile',
      'create leases',
      'get reconcile_index',
      'list entities',
      'create reconcile_index',
      'create reconcile_index',
      'create reconcile',
      'remove leases',
    ]);
    expect(await readLastRun(ctx.store)).toBeDefined();
  });

  it('the first tick with one new project: its state is created without a read, the listing said it has none, beside its claim read', async () => {
    // Prepare
    const { ctx, calls, count, projectPages } = await setup(['pInbox']);

    // Act
    const run = await reconcile(ctx, { allowCreates: true });

    // Assess: one page; the window read once, no entity read (15 requests before, 13 now), and
    // the claim read sent before the state's create, not after its answer.
    expect(run).toMatchObject({ status: 'done', projectsApplied: 1 });
    expect(projectPages()).toEqual(['pInbox']);
    expect(count(0, 'get reconcile')).toBe(1);
    expect(count(0, 'get entities')).toBe(0);
    expect(count(0, 'create entities')).toBe(1);
    expect(calls).toHaveLength(13);
    expect(calls.indexOf('get claims')).toBeLessThan(calls.indexOf('create entities'));
  });

  it('a tick that found no window lists every state beside the index meta’s read, not after its answer', async () => {
    // Prepare: the meta's read answers only once the entities were listed (or after a while).
    const { ctx, calls } = await setup(['pInbox']);
    let listedFirst: boolean | undefined;
    const inner = ctx.store;
    const store: StateStore = {
      ...inner,
      get: async <T extends object>(collection: string, id: string) => {
        if (collection === INDEX) {
          const deadline = performance.now() + 1_000;
          while (!calls.includes('list entities') && performance.now() < deadline)
            await new Promise((resolve) => setImmediate(resolve));
          listedFirst ??= calls.includes('list entities');
        }
        return inner.get<T>(collection, id);
      },
    };

    // Act
    const run = await reconcile({ ...ctx, store }, { allowCreates: true });

    // Assess
    expect(run.status).toBe('done');
    expect(listedFirst).toBe(true);
  });

  it('the daily listing spares each project its read; an hourly tick over the index reads each', async () => {
    // Prepare: a first run, then a new project before each of the next two ticks.
    const { ctx, fake, calls, count, projectPages } = await setup(['pA']);
    await reconcile(ctx, { allowCreates: true });
    fake.state.projects.set('pB', makeProject({ id: 'pB', name: 'pB' }));
    vi.advanceTimersByTime(HOUR);
    const hourly = calls.length;

    // Act: an hourly tick (it reads the index), then the daily one (it lists every state).
    expect((await reconcile(ctx, { allowCreates: true })).status).toBe('done');
    fake.state.projects.set('pC', makeProject({ id: 'pC', name: 'pC' }));
    vi.advanceTimersByTime(FULL_LISTING_EVERY_MS);
    const daily = calls.length;
    expect((await reconcile(ctx, { allowCreates: true })).status).toBe('done');

    // Assess: one page per project; the index does not hold projects, so the hourly tick reads
    // both; the listing held pA and pB and had no pC, so the daily tick reads none.
    expect(projectPages().sort()).toEqual(['pA', 'pB', 'pC']);
    expect(count(hourly, 'list entities', daily)).toBe(0);
    expect(count(hourly, 'get entities', daily)).toBe(2);
    expect(count(daily, 'list entities')).toBe(1);
    expect(count(daily, 'get entities')).toBe(0);
  });
});
