import { readEntity } from '../exactly-once/entity-state.js';
import { sha256 } from '../exactly-once/keys.js';
import { type SyncCommand, uuidFromHex } from '../mapping/todoist-commands.js';
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
  log.info('Todo page trashed in Notion; the Todoist task follows', {
    taskId,
    trashAction: action,
    status: answer?.status[command.uuid],
  });
  return 'sent';
}
