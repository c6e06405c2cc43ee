import { describe, expect, it } from 'vitest';
import { contentHash } from '../../src/exactly-once/content-hash.js';
import { commitDesired } from '../../src/exactly-once/entity-state.js';
import { docId } from '../../src/exactly-once/keys.js';
import { applyEntity } from '../../src/handlers/apply-entity.js';
import type { SyncContext } from '../../src/handlers/context.js';
import { handleMessage } from '../../src/handlers/handle-message.js';
import { adoptChildren, awaitParent, PENDING_PARENTS } from '../../src/handlers/subtasks.js';
import { todoTarget } from '../../src/handlers/todos.js';
import { silentLogger } from '../../src/log/logger.js';
import { richText, title } from '../../src/notion/properties.js';
import { createSyncContext } from '../../src/runtime.js';
import { createMemoryStore } from '../../src/state/memory.js';
import type { StateStore } from '../../src/state/store.js';
import { fakeWorkspace, IDS, unitConfig } from '../support/unit-context.js';
import { makeWorkload } from '../support/workload.js';

let n = 0;
function deliver(ctx: SyncContext, body: string) {
  n += 1;
  return handleMessage(ctx, {
    body: Buffer.from(body),
    attributes: { deliveryId: `s${n}` },
    messageId: `m${n}`,
  });
}

/** A store whose process is killed (an error) at its next read of a parent's waiting children, once armed. */
function storeKilledAtWaitingRead() {
  const inner = createMemoryStore();
  let dies = false;
  const store: StateStore = {
    ...inner,
    get: async (collection, id) => {
      if (dies && collection === PENDING_PARENTS) {
        dies = false;
        throw new Error('process killed');
      }
      return inner.get(collection, id);
    },
  };
  return {
    store,
    dieAtNextWaitingRead: () => {
      dies = true;
    },
  };
}

describe('a subtask and its parent', () => {
  it('a subtask redelivered after a crash that lost its waiting entry is linked once its parent exists', async () => {
    const notion = fakeWorkspace();
    const store = createMemoryStore();
    const ctx = createSyncContext(unitConfig(), silentLogger, { store, notion: notion.api });
    const workload = makeWorkload({ tasks: 2, eventsPerTask: 1, deleteShare: 0, subtaskShare: 1, seed: 3 });
    const [parentAdded, childAdded] = workload.events;
    if (!parentAdded || !childAdded) throw new Error('workload without two tasks');

    // The child comes first and is written without Parent; its process dies before it registers as waiting.
    await deliver(ctx, childAdded.body);
    const waiting = await store.get(PENDING_PARENTS, docId('pending_parent', parentAdded.taskId));
    if (waiting)
      await store.remove(PENDING_PARENTS, docId('pending_parent', parentAdded.taskId), waiting.version);
    await deliver(ctx, parentAdded.body);
    // Pub/Sub redelivers the child's event.
    await deliver(ctx, childAdded.body);

    const pageOf = (taskId: string) =>
      notion.pages(IDS.todos).find((p) => notion.text(p.properties['Todoist ID']) === taskId);
    const link = pageOf(childAdded.taskId)?.properties['Parent'] as { relation?: Array<{ id: string }> };
    expect(link?.relation?.map((r) => r.id)).toEqual([pageOf(parentAdded.taskId)?.id]);
  });

  it('a parent whose process died before linking its waiting child links it when its event is redelivered', async () => {
    // Prepare: the child is shown without Parent and waits; the parent's first delivery dies after
    // its page was made, when it reads who waits for it.
    const notion = fakeWorkspace();
    const { store, dieAtNextWaitingRead } = storeKilledAtWaitingRead();
    const instance = () => createSyncContext(unitConfig(), silentLogger, { store, notion: notion.api });
    const workload = makeWorkload({ tasks: 2, eventsPerTask: 1, deleteShare: 0, subtaskShare: 1, seed: 3 });
    const [parentAdded, childAdded] = workload.events;
    if (!parentAdded || !childAdded) throw new Error('workload without two tasks');
    await deliver(instance(), childAdded.body);
    dieAtNextWaitingRead();
    await expect(deliver(instance(), parentAdded.body)).rejects.toThrow('process killed');

    // Act: Pub/Sub redelivers the parent's event to another instance.
    await deliver(instance(), parentAdded.body);

    // Assess: one parent page, and the child points at it.
    const pageOf = (taskId: string) =>
      notion.pages(IDS.todos).filter((p) => notion.text(p.properties['Todoist ID']) === taskId);
    expect(pageOf(parentAdded.taskId)).toHaveLength(1);
    const link = pageOf(childAdded.taskId)[0]?.properties['Parent'] as { relation?: Array<{ id: string }> };
    expect(link?.relation?.map((r) => r.id)).toEqual([pageOf(parentAdded.taskId)[0]?.id]);
  });

  it('a child whose older delivery finishes after its newer one is still linked when the parent arrives', async () => {
    const notion = fakeWorkspace();
    const ctx = createSyncContext(unitConfig(), silentLogger, {
      store: createMemoryStore(),
      notion: notion.api,
    });
    const target = (taskId: string) => todoTarget(ctx, taskId);
    const apply = async (taskId: string, version: string, name: string) => {
      const properties = { Name: title(name), 'Todoist ID': richText(taskId) };
      const { stored } = await commitDesired(ctx.store, 'todo', taskId, {
        version,
        isDelete: false,
        desired: JSON.stringify(properties),
        desiredHash: contentHash(properties),
      });
      await applyEntity(ctx, target(taskId), stored);
    };
    // The child's update v3 is committed and shown without Parent (no parent page yet) and waits;
    // its older delivery v1, committed earlier, finishes last and registers too.
    await apply('child', 'v3', 'Child v3');
    await awaitParent(ctx, target, { taskId: 'child', parentId: 'parent', version: 'v3' });
    await awaitParent(ctx, target, { taskId: 'child', parentId: 'parent', version: 'v1' });
    // The parent's page is made, and it links the children waiting for it.
    await apply('parent', 'v1', 'Parent');
    await adoptChildren(ctx, target, 'parent');

    const pageOf = (taskId: string) =>
      notion.pages(IDS.todos).find((p) => notion.text(p.properties['Todoist ID']) === taskId);
    const link = pageOf('child')?.properties['Parent'] as { relation?: Array<{ id: string }> };
    expect(link?.relation?.map((r) => r.id)).toEqual([pageOf('parent')?.id]);
  });

  it('a parent whose own delivery died before linking its waiting child: whoever applies its state next links the child', async () => {
    // Prepare: the child waits for a parent without a page; the parent's delivery makes the page,
    // then dies as it reads who waits for it, before its state is marked shown.
    const notion = fakeWorkspace();
    const { store, dieAtNextWaitingRead } = storeKilledAtWaitingRead();
    const ctx = createSyncContext(unitConfig(), silentLogger, { store, notion: notion.api });
    const target = (taskId: string) => todoTarget(ctx, taskId);
    const commit = async (taskId: string, name: string) => {
      const properties = { Name: title(name), 'Todoist ID': richText(taskId) };
      const { stored } = await commitDesired(ctx.store, 'todo', taskId, {
        version: 'v1',
        isDelete: false,
        desired: JSON.stringify(properties),
        desiredHash: contentHash(properties),
      });
      return stored;
    };
    await applyEntity(ctx, target('child'), await commit('child', 'Child'));
    await awaitParent(ctx, target, { taskId: 'child', parentId: 'parent', version: 'v1' });
    const parentState = await commit('parent', 'Parent');
    dieAtNextWaitingRead();
    await expect(applyEntity(ctx, target('parent'), parentState)).rejects.toThrow('process killed');

    // Act: another applier shows the parent's state (a remap, a Notion edit), not the parent's own event.
    const other = createSyncContext(unitConfig(), silentLogger, { store, notion: notion.api });
    await applyEntity(other, todoTarget(other, 'parent'), parentState);

    // Assess: one parent page, and the child points at it.
    const pageOf = (taskId: string) =>
      notion.pages(IDS.todos).filter((p) => notion.text(p.properties['Todoist ID']) === taskId);
    expect(pageOf('parent')).toHaveLength(1);
    const link = pageOf('child')[0]?.properties['Parent'] as { relation?: Array<{ id: string }> };
    expect(link?.relation?.map((r) => r.id)).toEqual([pageOf('parent')[0]?.id]);
  });

  it('two tasks moved under each other, each waiting for the other, are linked once: no endless relinking', async () => {
    // Prepare: both pages exist, shown without Parent, and each waits for the other (late,
    // reordered deliveries of two tasks swapped under each other).
    const notion = fakeWorkspace();
    const store = createMemoryStore();
    const first = createSyncContext(unitConfig(), silentLogger, { store, notion: notion.api });
    for (const taskId of ['a', 'b']) {
      const properties = { Name: title(taskId), 'Todoist ID': richText(taskId) };
      const { stored } = await commitDesired(store, 'todo', taskId, {
        version: 'v1',
        isDelete: false,
        desired: JSON.stringify(properties),
        desiredHash: contentHash(properties),
      });
      await applyEntity(first, todoTarget(first, taskId), stored);
    }
    for (const [child, parent] of [
      ['a', 'b'],
      ['b', 'a'],
    ] as const)
      await store.create(PENDING_PARENTS, docId('pending_parent', parent), {
        parentId: parent,
        children: [{ taskId: child, version: 'v1' }],
        updatedAt: 0,
      });
    notion.resetCounts();

    // Act: a fresh instance links the children waiting for b.
    const ctx = createSyncContext(unitConfig(), silentLogger, { store, notion: notion.api });
    await adoptChildren(ctx, (id) => todoTarget(ctx, id), 'b');

    // Assess: each page is written once and points at the other; nothing waits any more.
    expect(notion.api.stats().byRoute['PATCH /v1/pages/:id']).toBe(2);
    const pageOf = (taskId: string) =>
      notion.pages(IDS.todos).find((p) => notion.text(p.properties['Todoist ID']) === taskId);
    const parentOf = (taskId: string) =>
      (pageOf(taskId)?.properties['Parent'] as { relation?: Array<{ id: string }> })?.relation?.map(
        (r) => r.id,
      );
    expect(parentOf('a')).toEqual([pageOf('b')?.id]);
    expect(parentOf('b')).toEqual([pageOf('a')?.id]);
  });
});
