import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { silentLogger } from '../../src/log/logger.js';
import { reconcileEachUser } from '../../src/reconcile/per-user.js';
import { handleReconcileTick } from '../../src/reconcile/scheduled.js';
import { readLastRun } from '../../src/reconcile/window.js';
import { createSyncContext } from '../../src/runtime.js';
import { createMemoryStore } from '../../src/state/memory.js';
import { createTodoistApi } from '../../src/todoist/api.js';
import { makeProject, makeTask, startTodoistFake, type TodoistFake } from '../support/todoist-fake/index.js';
import { fakeWorkspace, IDS } from '../support/unit-context.js';

const stamp = (ms: number) => `${new Date(ms).toISOString().slice(0, 19)}.000000Z`;
const T0 = stamp(Date.now() - 86_400_000);

let fakes: TodoistFake[] = [];
afterEach(async () => {
  await Promise.all(fakes.map((f) => f.close()));
  fakes = [];
});

/** What one person's account lists: the shared project's task, and one task of their own. */
async function account(own: string): Promise<TodoistFake> {
  const fake = await startTodoistFake({
    tasks: [
      makeTask({ id: 'shared1', content: 'Book the plumber', project_id: 'pS', updated_at: T0 }),
      makeTask({ id: own, content: `Only ${own}`, project_id: 'pS', updated_at: T0 }),
    ],
    projects: [makeProject({ id: 'pS', name: 'Home' })],
  });
  fakes.push(fake);
  return fake;
}

async function setup(env: Record<string, string> = {}) {
  const [alice, bob] = [await account('alice1'), await account('bob1')];
  const notion = fakeWorkspace();
  const config = loadConfig(
    {
      NOTION_TOKEN: 'token-for-tests',
      NOTION_AREAS_DATABASE_ID: IDS.areas,
      NOTION_PROJECTS_DATABASE_ID: IDS.projects,
      NOTION_TODOS_DATABASE_ID: IDS.todos,
      STATE_STORE: 'memory',
      NOTION_INDEX_LAG_MS: '1',
      TODOIST_API_TOKENS: `A:${alice.token},B:${bob.token}`,
      ...env,
    },
    'reconcile',
  );
  const api = (fake: TodoistFake) =>
    createTodoistApi({ token: fake.token, baseUrl: fake.url, sleep: async () => {} });
  const store = createMemoryStore();
  const ctx = createSyncContext(config, silentLogger, {
    store,
    notion: notion.api,
    todoistByUser: { A: api(alice), B: api(bob) },
  });
  const ids = () =>
    notion
      .pages(IDS.todos)
      .map((p) => notion.text(p.properties['Todoist ID']))
      .sort();
  const writes = () => {
    const by = notion.api.stats().byRoute;
    return (by['POST /v1/pages'] ?? 0) + (by['PATCH /v1/pages/:id'] ?? 0);
  };
  return { ctx, store, notion, ids, writes };
}

describe('reconcile runs once per configured Todoist user', () => {
  it('each token is read; the shared task listed by both is one page; a second round writes nothing', async () => {
    const { ctx, store, notion, ids, writes } = await setup();
    const runs = await reconcileEachUser(ctx);
    expect(runs.map((r) => [r.userId, r.report.status])).toEqual([
      ['A', 'done'],
      ['B', 'done'],
    ]);
    expect(ids()).toEqual(['alice1', 'bob1', 'shared1']);
    // Alice's own task is missing from Bob's list, yet alive: nothing is trashed.
    expect(notion.pages(IDS.todos).filter((p) => p.in_trash)).toEqual([]);
    expect(notion.pages(IDS.projects)).toHaveLength(1);
    // Each person's completed-tasks window moves on its own.
    expect(await readLastRun(store, 'A')).toBeDefined();
    expect(await readLastRun(store, 'B')).toBeDefined();

    notion.resetCounts();
    await reconcileEachUser(ctx);
    expect(writes()).toBe(0);
  });

  it('SYNC_USERS leaves the other accounts out of reconcile too', async () => {
    const { ctx, ids } = await setup({ SYNC_USERS: 'B' });
    const runs = await reconcileEachUser(ctx);
    expect(runs.map((r) => r.userId)).toEqual(['B']);
    expect(ids()).toEqual(['bob1', 'shared1']);
  });

  it('the scheduled tick reconciles every user', async () => {
    const { ctx, ids } = await setup();
    await handleReconcileTick(ctx);
    expect(ids()).toEqual(['alice1', 'bob1', 'shared1']);
  });
});
