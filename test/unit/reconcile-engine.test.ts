import { afterEach, describe, expect, it, vi } from 'vitest';
import { isTransient } from '../../src/errors.js';
import { ENTITIES } from '../../src/exactly-once/entity-state.js';
import { handleMessage } from '../../src/handlers/handle-message.js';
import { silentLogger } from '../../src/log/logger.js';
import { reconcile } from '../../src/reconcile/engine.js';
import { acquireLease } from '../../src/reconcile/lease.js';
import { handleReconcileTick } from '../../src/reconcile/scheduled.js';
import { createSyncContext } from '../../src/runtime.js';
import { createMemoryStore } from '../../src/state/memory.js';
import type { StateStore } from '../../src/state/store.js';
import { createTodoistApi, type TodoistApi } from '../../src/todoist/api.js';
import { makeProject, makeTask, startTodoistFake, type TodoistFake } from '../support/todoist-fake/index.js';
import { fakeWorkspace, IDS, unitConfig } from '../support/unit-context.js';

const DAY = 86_400_000;
const stamp = (ms: number) => `${new Date(ms).toISOString().slice(0, 19)}.000000Z`;
const T0 = Date.now() - 2 * DAY;

let fakes: TodoistFake[] = [];
afterEach(async () => {
  await Promise.all(fakes.map((f) => f.close()));
  fakes = [];
});

function seedTasks() {
  return [
    // A subtask listed before its parent: the reconcile still makes the parent first.
    makeTask({
      id: 'child1',
      content: 'Child',
      parent_id: 'parent1',
      project_id: 'pA',
      updated_at: stamp(T0),
    }),
    makeTask({
      id: 'parent1',
      content: 'Parent',
      project_id: 'pA',
      labels: ['area:Home'],
      updated_at: stamp(T0),
    }),
    makeTask({ id: 'plain1', content: 'Plain', project_id: 'pB', priority: 4, updated_at: stamp(T0) }),
    makeTask({
      id: 'due1',
      content: 'Dated',
      project_id: 'pB',
      labels: ['area:Work', 'x'],
      due: { date: '2026-07-01', string: 'Jul 1', is_recurring: false, lang: 'en' },
      updated_at: stamp(T0),
    }),
  ];
}

async function setup(
  options: { env?: Record<string, string>; store?: StateStore; wrap?: (api: TodoistApi) => TodoistApi } = {},
) {
  const fake = await startTodoistFake({
    tasks: seedTasks(),
    projects: [makeProject({ id: 'pA', name: 'Alpha' }), makeProject({ id: 'pB', name: 'Beta' })],
  });
  fakes.push(fake);
  const notion = fakeWorkspace();
  const config = unitConfig(
    { TODOIST_API_TOKEN: fake.token, TODOIST_BASE_URL: fake.url, ...options.env },
    'reconcile',
  );
  const api = createTodoistApi({ token: fake.token, baseUrl: fake.url, sleep: async () => {} });
  const store = options.store ?? createMemoryStore();
  const ctx = createSyncContext(config, silentLogger, {
    store,
    notion: notion.api,
    todoist: options.wrap ? options.wrap(api) : api,
  });
  const todo = (taskId: string) =>
    notion.pages(IDS.todos).filter((p) => notion.text(p.properties['Todoist ID']) === taskId);
  const writes = () => {
    const by = notion.api.stats().byRoute;
    return (by['POST /v1/pages'] ?? 0) + (by['PATCH /v1/pages/:id'] ?? 0);
  };
  return { fake, notion, ctx, store, todo, writes };
}

function edit(fake: TodoistFake, id: string, change: Record<string, unknown>, at = Date.now() - 60_000) {
  const task = fake.state.tasks.get(id);
  if (!task) throw new Error(`no task ${id}`);
  fake.state.tasks.set(id, { ...task, ...change, updated_at: stamp(at) });
}

function complete(fake: TodoistFake, id: string, completedAt = Date.now() - 60_000) {
  const task = fake.state.tasks.get(id);
  if (!task) throw new Error(`no task ${id}`);
  fake.state.tasks.delete(id);
  fake.state.completed.set(id, { ...task, checked: true, completed_at: stamp(completedAt) });
}

describe('reconcile engine (fake Notion, fake Todoist API)', () => {
  it('backfills every task once, projects with their names, parents before subtasks; a second run writes nothing', async () => {
    const { ctx, notion, todo, writes } = await setup();
    const first = await reconcile(ctx);
    expect(first).toMatchObject({
      status: 'done',
      tasks: 4,
      projects: 2,
      created: 4,
      projectsApplied: 2,
      failed: 0,
    });
    for (const id of ['child1', 'parent1', 'plain1', 'due1']) expect(todo(id)).toHaveLength(1);
    const projects = notion.pages(IDS.projects).map((p) => notion.text(p.properties['Name']));
    expect(projects.sort()).toEqual(['Alpha', 'Beta']);
    // Projects came first, so no page was created under a placeholder name and renamed.
    expect(notion.api.stats().byRoute['PATCH /v1/pages/:id'] ?? 0).toBe(0);
    const created = (id: string) => todo(id)[0]?.created_time ?? '';
    expect(created('parent1') < created('child1')).toBe(true);

    const before = writes();
    const second = await reconcile(ctx);
    expect(second).toMatchObject({ status: 'done', created: 0, updated: 0, unchanged: 4, trashed: 0 });
    expect(second.notion.writes).toBe(0);
    expect(writes()).toBe(before);
  });

  it('changed tasks are the only pages written', async () => {
    const { ctx, fake, notion, todo } = await setup();
    await reconcile(ctx);
    edit(fake, 'plain1', { content: 'Plain, renamed' });
    edit(fake, 'due1', { priority: 3 });
    notion.resetCounts();
    const run = await reconcile(ctx);
    expect(run).toMatchObject({ updated: 2, unchanged: 2, created: 0 });
    expect(notion.api.stats().byRoute).toMatchObject({ 'PATCH /v1/pages/:id': 2 });
    expect(notion.api.stats().byRoute['POST /v1/pages']).toBeUndefined();
    expect(notion.text(todo('plain1')[0]?.properties['Name'])).toBe('Plain, renamed');
  });

  it('a dry run writes nothing to Notion or the store and lists what would change', async () => {
    const { ctx, fake, store, notion } = await setup();
    const plan = await reconcile(ctx, { dryRun: true });
    expect(plan).toMatchObject({ mode: 'dry-run', status: 'done', created: 4, projectsApplied: 2 });
    expect(plan.changes?.filter((c) => c.kind === 'todo').map((c) => c.action)).toEqual([
      'create',
      'create',
      'create',
      'create',
    ]);
    expect(plan.wouldEnsure?.map((w) => `${w.kind}:${w.key}`).sort()).toEqual([
      'area:home',
      'area:work',
      'project:pA',
      'project:pB',
    ]);
    expect(notion.api.stats().byRoute['POST /v1/pages']).toBeUndefined();
    expect(await store.list(ENTITIES)).toEqual([]);

    await reconcile(ctx);
    expect((await reconcile(ctx, { dryRun: true })).changes).toEqual([]);
    edit(fake, 'parent1', { content: 'Parent, edited' });
    const after = await reconcile(ctx, { dryRun: true });
    expect(after.changes).toEqual([
      { kind: 'todo', id: 'parent1', name: 'Parent, edited', action: 'update' },
    ]);
  });

  it('a snapshot older than what events applied does not regress the page', async () => {
    const { ctx, todo, notion } = await setup();
    const task = makeTask({
      id: 'plain1',
      content: 'Newer, from a webhook',
      project_id: 'pB',
      priority: 4,
      updated_at: stamp(T0 + 1000),
    });
    const body = JSON.stringify({
      event_name: 'item:updated',
      user_id: '1',
      event_data: task,
      triggered_at: stamp(T0 + 1500),
    });
    await handleMessage(ctx, { body: Buffer.from(body), attributes: { deliveryId: 'w1' }, messageId: 'm1' });
    const run = await reconcile(ctx);
    expect(run.stale).toBe(1);
    expect(todo('plain1')).toHaveLength(1);
    expect(notion.text(todo('plain1')[0]?.properties['Name'])).toBe('Newer, from a webhook');
  });

  it('completions: known tasks are marked done; unknown ones are left out on a first run and created later', async () => {
    const { ctx, fake, todo } = await setup();
    fake.state.completed.set(
      'old1',
      makeTask({
        id: 'old1',
        checked: true,
        completed_at: stamp(Date.now() - 10 * DAY),
        updated_at: stamp(T0),
      }),
    );
    const first = await reconcile(ctx);
    expect(first.skipped).toBe(1);
    expect(todo('old1')).toHaveLength(0);

    complete(fake, 'plain1');
    fake.state.completed.set(
      'new1',
      makeTask({
        id: 'new1',
        content: 'Done meanwhile',
        checked: true,
        completed_at: stamp(Date.now() - 1000),
      }),
    );
    const second = await reconcile(ctx);
    expect(second).toMatchObject({ updated: 1, created: 1, trashed: 0 });
    expect(todo('plain1')[0]?.properties['Done']).toMatchObject({ checkbox: true });
    expect(todo('new1')[0]?.properties['Done']).toMatchObject({ checkbox: true });
  });

  it('a recurring task completed once stays open', async () => {
    const { ctx, fake, todo } = await setup();
    edit(fake, 'due1', { due: { date: '2026-07-08', string: 'every week', is_recurring: true } });
    const task = fake.state.tasks.get('due1');
    fake.state.completed.set('due1', {
      ...task,
      id: 'due1',
      checked: true,
      completed_at: stamp(Date.now() - 1000),
    });
    await reconcile(ctx);
    expect(todo('due1')[0]?.properties['Done']).toMatchObject({ checkbox: false });
  });

  it('trashes only tasks Todoist confirms gone', async () => {
    // The listing misses `plain1` (made after the list was read) although Todoist has it.
    let hide = false;
    const { ctx, fake, todo } = await setup({
      wrap: (api) => ({
        ...api,
        async *getTasks(params) {
          for await (const t of api.getTasks(params)) if (!(hide && t.id === 'plain1')) yield t;
        },
      }),
    });
    await reconcile(ctx);
    hide = true;
    fake.state.tasks.delete('child1'); // deleted in Todoist, webhook lost
    complete(fake, 'parent1', Date.now() - 30 * DAY); // completed long before this run's window
    const run = await reconcile(ctx);
    expect(run.trashed).toBe(1);
    expect(todo('child1')[0]?.in_trash).toBe(true);
    expect(todo('plain1')[0]?.in_trash).toBe(false);
    // Found completed while confirming: shown done, not trashed.
    expect(todo('parent1')[0]?.in_trash).toBe(false);
    expect(todo('parent1')[0]?.properties['Done']).toMatchObject({ checkbox: true });
    // A page shown done is never a candidate again, whatever the window.
    fake.state.completed.clear();
    expect((await reconcile(ctx)).trashed).toBe(0);
  });

  it('one reconcile at a time: a run finding the lease held does nothing', async () => {
    const { ctx, store, writes } = await setup();
    const other = await acquireLease({
      store,
      name: 'reconcile',
      owner: 'elsewhere',
      ttlMs: 60_000,
      heartbeat: false,
    });
    const run = await reconcile(ctx);
    expect(run).toMatchObject({ status: 'busy', holder: { owner: 'elsewhere' } });
    expect(writes()).toBe(0);
    await other?.release();
    expect((await reconcile(ctx)).status).toBe('done');
  });

  it('a run reads the Projects and Todos schemas once each; a run finding the lease held reads none', async () => {
    const { ctx, store, notion } = await setup();
    const schemaReads = vi.spyOn(notion.api, 'schema');
    const other = await acquireLease({
      store,
      name: 'reconcile',
      owner: 'elsewhere',
      ttlMs: 60_000,
      heartbeat: false,
    });
    expect((await reconcile(ctx)).status).toBe('busy');
    expect(schemaReads).not.toHaveBeenCalled();
    await other?.release();
    expect((await reconcile(ctx)).status).toBe('done');
    expect(schemaReads.mock.calls.map(([id]) => id).sort()).toEqual([IDS.projects, IDS.todos].sort());
  });

  it('under the runaway brake creates are deferred and the scheduled tick asks for a retry; --allow-creates finishes', async () => {
    const { ctx, todo } = await setup({ env: { CREATE_LIMIT_PER_MINUTE: '2' } });
    let thrown: unknown;
    try {
      await handleReconcileTick(ctx);
    } catch (error) {
      thrown = error;
    }
    expect(isTransient(thrown)).toBe(true);
    expect((thrown as { code: string }).code).toBe('reconcile_incomplete');
    const created = ['child1', 'parent1', 'plain1', 'due1'].filter((id) => todo(id).length === 1);
    expect(created.length).toBeLessThan(4);
    const run = await reconcile(ctx, { allowCreates: true });
    expect(run.status).toBe('done');
    for (const id of ['child1', 'parent1', 'plain1', 'due1']) expect(todo(id)).toHaveLength(1);
  });

  it('a task the API returns with an odd field still reaches Notion; that property is left as shown', async () => {
    // Prepare: the dated task is shown, then Todoist returns it with priority 7 and a new title.
    const { ctx, fake, notion, todo } = await setup();
    edit(fake, 'due1', { priority: 3 }, Date.now() - 120_000);
    await reconcile(ctx);
    const odd = { priority: 7, content: 'Dated, renamed', due: { date: '2026-02-30', is_recurring: false } };
    edit(fake, 'due1', odd, Date.now() - 60_000);

    // Act
    const run = await reconcile(ctx);

    // Assess: applied, the title changed, priority and due date as they were.
    expect(run).toMatchObject({ status: 'done', failed: 0 });
    const [page] = todo('due1');
    expect(notion.text(page?.properties['Name'])).toBe('Dated, renamed');
    expect(page?.properties['Due']).toMatchObject({ date: { start: '2026-07-01' } });
    expect(page?.properties['Priority']).toMatchObject({ select: { name: 'P2' } });
  });
});
