import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log/logger.js';
import { createSyncContext } from '../../src/runtime.js';
import { createMemoryStore } from '../../src/state/memory.js';
import type { SyncContext } from '../../src/sync/context.js';
import { handleMessage } from '../../src/sync/handle-message.js';
import { docId } from '../../src/sync/keys.js';
import { PENDING_PARENTS } from '../../src/sync/subtasks.js';
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
});
