import { afterEach, describe, expect, it } from 'vitest';
import { ENTITIES } from '../../src/exactly-once/entity-state.js';
import { handleMessage } from '../../src/handlers/handle-message.js';
import { silentLogger } from '../../src/log/logger.js';
import { reconcile } from '../../src/reconcile/engine.js';
import { createSyncContext } from '../../src/runtime.js';
import { createMemoryStore } from '../../src/state/memory.js';
import type { StateStore } from '../../src/state/store.js';
import { createTodoistApi } from '../../src/todoist/api.js';
import { makeProject, makeTask, startTodoistFake, type TodoistFake } from '../support/todoist-fake/index.js';
import { fakeWorkspace, IDS, unitConfig } from '../support/unit-context.js';

const stamp = (ms: number) => `${new Date(ms).toISOString().slice(0, 19)}.000000Z`;
const HOUR = 3_600_000;

let fakes: TodoistFake[] = [];
afterEach(async () => {
  await Promise.all(fakes.map((f) => f.close()));
  fakes = [];
});

async function setup() {
  const T0 = Date.now() - 5 * HOUR;
  const fake = await startTodoistFake({
    tasks: [
      makeTask({ id: 'old1', content: 'Old one', project_id: 'pA', updated_at: stamp(T0) }),
      makeTask({ id: 'old2', content: 'Old two', project_id: 'pA', updated_at: stamp(T0) }),
    ],
    projects: [makeProject({ id: 'pA', name: 'Alpha' })],
  });
  fakes.push(fake);
  const notion = fakeWorkspace();
  const config = unitConfig({ TODOIST_API_TOKEN: fake.token, TODOIST_BASE_URL: fake.url }, 'reconcile');
  const inner = createMemoryStore();
  const listings = { entities: 0 };
  const store: StateStore = {
    ...inner,
    list: (collection) => {
      if (collection === ENTITIES) listings.entities += 1;
      return inner.list(collection);
    },
  };
  const api = createTodoistApi({ token: fake.token, baseUrl: fake.url, sleep: async () => {} });
  const ctx = createSyncContext(config, silentLogger, { store, notion: notion.api, todoist: api });
  const todo = (taskId: string) =>
    notion.pages(IDS.todos).filter((p) => notion.text(p.properties['Todoist ID']) === taskId);
  let delivery = 0;
  /** Todoist's webhook for a task, delivered and handled. */
  const webhook = async (eventName: string, task: ReturnType<typeof makeTask>) => {
    const body = JSON.stringify({
      event_name: eventName,
      user_id: '1',
      event_data: task,
      triggered_at: task.updated_at,
    });
    delivery += 1;
    await handleMessage(ctx, {
      body: Buffer.from(body),
      attributes: { deliveryId: `w${delivery}` },
      messageId: `m${delivery}`,
    });
  };
  return { fake, ctx, todo, webhook, listings };
}

describe('a scheduled reconcile that reads its index instead of every stored task', () => {
  it('still trashes tasks deleted in Todoist whose deletion webhook was lost, one born after the index', async () => {
    // Prepare: a first run builds the index; then a task is added (its webhook arrives) and it
    // and an older task are deleted in Todoist, both deletion webhooks lost.
    const { fake, ctx, todo, webhook, listings } = await setup();
    expect((await reconcile(ctx)).created).toBe(2);
    const born = makeTask({
      id: 'new1',
      content: 'Born later',
      project_id: 'pA',
      updated_at: stamp(Date.now()),
    });
    fake.state.tasks.set('new1', born);
    await webhook('item:added', born);
    expect(todo('new1')).toHaveLength(1);
    fake.state.tasks.delete('new1');
    fake.state.tasks.delete('old1');
    listings.entities = 0;

    // Act
    const run = await reconcile(ctx);

    // Assess: both pages trashed, the other left alone, and no listing of every stored task.
    expect(run).toMatchObject({ status: 'done', trashed: 2 });
    expect(todo('new1')[0]?.in_trash).toBe(true);
    expect(todo('old1')[0]?.in_trash).toBe(true);
    expect(todo('old2')[0]?.in_trash).toBe(false);
    expect(listings.entities).toBe(0);
  });

  it('shows done a task created and finished between two runs, with or without its webhooks', async () => {
    // Prepare: after a first run, one task is added (webhook delivered) and completed (webhook
    // lost); another is added and completed with no webhook at all.
    const { fake, ctx, todo, webhook, listings } = await setup();
    await reconcile(ctx);
    const added = makeTask({
      id: 'born1',
      content: 'Added, then done',
      project_id: 'pA',
      updated_at: stamp(Date.now() - 2000),
    });
    await webhook('item:added', added);
    const done = (task: ReturnType<typeof makeTask>) =>
      fake.state.completed.set(task.id, {
        ...task,
        checked: true,
        completed_at: stamp(Date.now() - 1000),
        updated_at: stamp(Date.now() - 1000),
      });
    done(added);
    done(
      makeTask({
        id: 'born2',
        content: 'Never heard of',
        project_id: 'pA',
        updated_at: stamp(Date.now() - 2000),
      }),
    );
    listings.entities = 0;

    // Act
    const run = await reconcile(ctx);

    // Assess
    expect(run).toMatchObject({ status: 'done', updated: 1, created: 1, trashed: 0 });
    expect(todo('born1')[0]?.properties['Done']).toMatchObject({ checkbox: true });
    expect(todo('born2')[0]?.properties['Done']).toMatchObject({ checkbox: true });
    expect(listings.entities).toBe(0);
  });
});
