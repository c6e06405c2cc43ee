import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log/logger.js';
import { reconcile } from '../../src/reconcile/engine.js';
import { INDEX, INDEX_FORMAT, META_ID } from '../../src/reconcile/index-chunks.js';
import { LEASES } from '../../src/reconcile/lease.js';
import { prepareRun } from '../../src/reconcile/prepare.js';
import { RECONCILE_COLLECTION, readLastRun } from '../../src/reconcile/window.js';
import { createSyncContext } from '../../src/runtime.js';
import { createMemoryStore } from '../../src/state/memory.js';
import { StateError, type StateStore } from '../../src/state/store.js';
import { createTodoistApi } from '../../src/todoist/api.js';
import { makeProject, startTodoistFake, type TodoistFake } from '../support/todoist-fake/index.js';
import { fakeWorkspace, unitConfig } from '../support/unit-context.js';

let fakes: TodoistFake[] = [];
afterEach(async () => {
  await Promise.all(fakes.map((f) => f.close()));
  fakes = [];
});

/** One instance's context over `store`; every instance shares Todoist and Notion. */
async function instances() {
  const fake = await startTodoistFake({ projects: [makeProject({ id: 'pA', name: 'Alpha' })] });
  fakes.push(fake);
  const config = unitConfig({ TODOIST_API_TOKEN: fake.token, TODOIST_BASE_URL: fake.url }, 'reconcile');
  const notion = fakeWorkspace();
  return (store: StateStore) => {
    const todoist = createTodoistApi({ token: fake.token, baseUrl: fake.url, sleep: async () => {} });
    return createSyncContext(config, silentLogger, { store, notion: notion.api, todoist });
  };
}

/** A store whose index writes fail (unavailable), as a store under strain may; `meta` may still be written. */
function failingIndex(inner: StateStore, options: { metaWrites?: boolean } = {}): StateStore {
  const refuse = (collection: string, id: string) => {
    if (collection === INDEX && !(options.metaWrites && id === META_ID))
      throw new StateError('unavailable', 'index write refused');
  };
  return {
    ...inner,
    create: async (collection, id, data) => {
      refuse(collection, id);
      return inner.create(collection, id, data);
    },
    update: async (collection, id, data, version) => {
      refuse(collection, id);
      return inner.update(collection, id, data, version);
    },
  };
}

/**
 * The next tick's view of `inner`: its window read answers at once (nothing recorded yet), then
 * `meanwhile` runs to the end before its lease is asked for.
 */
function lateLease(inner: StateStore, meanwhile: () => Promise<unknown>) {
  const calls: string[] = [];
  let finished: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    finished = resolve;
  });
  let started = false;
  const store: StateStore = {
    ...inner,
    get: async <T extends object>(collection: string, id: string) => {
      calls.push(`get ${collection}`);
      const found = await inner.get<T>(collection, id);
      if (collection === RECONCILE_COLLECTION && !started) {
        started = true;
        void meanwhile().finally(finished);
      }
      return found;
    },
    create: async (collection, id, data) => {
      if (collection === LEASES) await done;
      return inner.create(collection, id, data);
    },
  };
  return { store, calls };
}

describe('the first window, when a first run finishes between the next tick’s window read and its lease', () => {
  it('the first run wrote its index, then its window: the next tick finds the index, reads the window again and is no first run', async () => {
    // Prepare
    const inner = createMemoryStore();
    const on = await instances();
    const first = on(inner);
    const next = lateLease(inner, () => reconcile(first, { allowCreates: true }));

    // Act
    const run = await reconcile(on(next.store), { allowCreates: true });

    // Assess
    expect(run.status).toBe('done');
    expect(run.window?.firstRun).toBe(false);
    expect(next.calls.filter((c) => c === `get ${RECONCILE_COLLECTION}`)).toHaveLength(2);
  });

  it('the first run could not write its index: it records no window, so the next tick is a first run too, rightly', async () => {
    // Prepare
    const inner = createMemoryStore();
    const on = await instances();
    const first = on(failingIndex(inner));
    let firstRun: Awaited<ReturnType<typeof reconcile>> | undefined;
    let recorded: unknown;
    const next = lateLease(inner, async () => {
      firstRun = await reconcile(first, { allowCreates: true });
      recorded = await readLastRun(inner);
    });

    // Act
    const run = await reconcile(on(next.store), { allowCreates: true });

    // Assess: the first run applied everything but recorded no window; the next one, finding no
    // index, skipped the second window read, and was right to (its own window is the first).
    expect(firstRun?.status).toBe('done');
    expect(recorded).toBeUndefined();
    expect(run.window?.firstRun).toBe(true);
    expect(next.calls.filter((c) => c === `get ${RECONCILE_COLLECTION}`)).toHaveLength(1);
    expect(await readLastRun(inner)).toMatchObject({ completedUntil: run.window?.until });
  });

  it('the first run could write no index chunk but a meta: it leaves a meta no run trusts and records its window, so the next tick is no first run and lists every state', async () => {
    // Prepare
    const inner = createMemoryStore();
    const on = await instances();
    const first = on(failingIndex(inner, { metaWrites: true }));
    let recorded: unknown;
    const next = lateLease(inner, async () => {
      await reconcile(first, { allowCreates: true });
      recorded = await readLastRun(inner);
    });

    // Act
    const run = await reconcile(on(next.store), { allowCreates: true });

    // Assess: the completions of tasks the sync never saw are not left out by a second first run.
    expect(recorded).toMatchObject({ completedUntil: expect.any(String) });
    expect(run.window?.firstRun).toBe(false);
    expect(next.calls.filter((c) => c === `get ${RECONCILE_COLLECTION}`)).toHaveLength(2);
    // The stand-in meta was not trusted: the next run listed every state and wrote a real index.
    expect((await inner.get<{ format: number }>(INDEX, META_ID))?.data.format).toBe(INDEX_FORMAT);
  });

  it('a run prepared before its lease (several people) finds the first window another run recorded meanwhile, and is no first run', async () => {
    // Prepare: this instance reads the user's window (none yet) before any lease, as a run over
    // several people's snapshots does; another instance then runs that user's first reconcile.
    const inner = createMemoryStore();
    const on = await instances();
    const ctx = on(inner);
    const prepared = await prepareRun(ctx, { userId: 'u2' });
    await reconcile(on(inner), { allowCreates: true, userId: 'u2' });

    // Act
    const run = await reconcile(ctx, { allowCreates: true, userId: 'u2', prepared });

    // Assess: the window follows the other run's, and this run's is recorded over it.
    expect(prepared.window.firstRun).toBe(true);
    expect(run.status).toBe('done');
    expect(run.window?.firstRun).toBe(false);
    expect(await readLastRun(inner, 'u2')).toMatchObject({ completedUntil: run.window?.until });
  });
});
