import { contentHash } from '../exactly-once/content-hash.js';
import { type EntityDoc, putEntity, readEntity } from '../exactly-once/entity-state.js';
import { docId, sha256 } from '../exactly-once/keys.js';
import { type SyncCommand, uuidFromHex } from '../mapping/todoist-commands.js';
import type { PropertyInput } from '../notion/types.js';
import { isStateError, type Stored } from '../state/store.js';
import type { SyncContext } from './context.js';
import type { NotionEvent } from './notion-envelope.js';

/**
 * A Todo page moved to the trash in Notion. By default the Todoist task is left alone (a page
 * trashed by mistake must not delete work); NOTION_TRASH_ACTION=complete or delete asks otherwise.
 */
export async function applyTrash(
  ctx: SyncContext,
  taskId: string,
  event: NotionEvent,
  log: SyncContext['logger'],
): Promise<'sent' | 'ignored'> {
  const action = ctx.config.twoWay.trashAction;
  const state = await readEntity(ctx.store, 'todo', taskId);
  if (state?.data.deleted) {
    log.info('trashed page of a task deleted in Todoist: nothing to do', { taskId, ignored: true });
    return 'ignored';
  }
  if (action === 'ignore') {
    log.info('Todo page trashed in Notion; the Todoist task is kept (NOTION_TRASH_ACTION=ignore)', {
      taskId,
      trashAction: action,
    });
    return 'ignored';
  }
  const command: SyncCommand = {
    type: action === 'delete' ? 'item_delete' : 'item_close',
    uuid: uuidFromHex(sha256(`trash\u0000${event.entity.id}\u0000${state?.version ?? ''}`)),
    args: { id: taskId },
  };
  const answer = await ctx.todoistWriter?.sync([command]);
  const status = answer?.status[command.uuid];
  if (status === 'ok' && action === 'complete' && state) await expectCompleted(ctx, taskId, state);
  log.info('Todo page trashed in Notion; the Todoist task follows', { taskId, trashAction: action, status });
  return 'sent';
}

/**
 * Records the completion as already shown, so the `item:completed` webhook our command triggers
 * finds nothing to write and does not bring the trashed page back. (A deletion needs nothing: its
 * tombstone trashes a page that is already in the trash.)
 */
async function expectCompleted(ctx: SyncContext, taskId: string, state: Stored<EntityDoc>): Promise<void> {
  if (!state.data.desired) return;
  const desired = {
    ...(JSON.parse(state.data.desired) as Record<string, PropertyInput>),
    Done: { checkbox: true },
  };
  const hash = contentHash(desired);
  const doc: EntityDoc = {
    ...state.data,
    desired: JSON.stringify(desired),
    desiredHash: hash,
    applied: JSON.stringify(desired),
    appliedHash: hash,
    updatedAt: ctx.now(),
  };
  await putEntity(ctx.store, docId('todo', taskId), doc, state.version).catch((error: unknown) => {
    // A Todoist event moved the state meanwhile; it carries the completion itself.
    if (!isStateError(error, 'precondition_failed')) throw error;
  });
}
