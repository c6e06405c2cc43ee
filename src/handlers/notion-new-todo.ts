import { sha256 } from '../exactly-once/keys.js';
import { readPageFields } from '../mapping/page-fields.js';
import { type SyncCommand, todoistPriority, uuidFromHex } from '../mapping/todoist-commands.js';
import { isPageGone } from '../notion/errors.js';
import { textItems } from '../notion/properties.js';
import { readText } from '../notion/property-readers.js';
import type { NotionPage } from '../notion/types.js';
import { TodoistApiError } from '../todoist/api-errors.js';
import { notionDueToTodoist } from '../todoist/due-from-notion.js';
import type { SyncContext } from './context.js';
import type { NotionEvent } from './notion-envelope.js';
import { commandContext } from './notion-relations.js';

/**
 * A Todo page made in Notion (no `Todoist ID`) becomes exactly one Todoist task, whatever the
 * redeliveries, instances and lost answers:
 *   - an ensure-once claim keyed by the page id admits one creator at a time, and a later owner
 *     first looks at the page for a Todoist ID written back by an earlier one;
 *   - `item_add` carries a uuid derived from the page id alone, so a repeated add (a retry after
 *     a lost answer, a takeover after a crash) is one Todoist task;
 *   - the task's todo claim is pointed at this page before the Todoist ID is written back, so the
 *     `item:added` webhook that follows adopts the page instead of making a second one.
 */
export async function syncNewTodo(
  ctx: SyncContext,
  page: NotionPage,
  event: NotionEvent,
): Promise<'created' | 'ignored'> {
  const log = ctx.logger.child({ pageId: page.id, notionEventId: event.id });
  const claims = ctx.newTodoClaims;
  const writer = ctx.todoistWriter;
  if (!claims || !writer) throw new Error('two-way sync needs the Todoist writer (TODOIST_API_TOKEN)');
  const fields = readPageFields(page.properties);
  if (!fields.name?.trim()) {
    log.info('new Todo page without a name yet: it becomes a task once it has one', { ignored: true });
    return 'ignored';
  }
  const result = await claims.ensure('notion-todo', page.id, {
    lookup: async () => readText(await ctx.notion.retrievePage(page.id), 'Todoist ID').trim() || undefined,
    create: async () => {
      const resolved = await commandContext(
        ctx,
        '',
        {
          labels: fields.labels ?? [],
          areas: fields.areas ?? [],
          ...(fields.project ? { project: fields.project } : {}),
          ...(fields.parent ? { parent: fields.parent } : {}),
        },
        {},
      );
      const { projectId, parentId } = resolved;
      const tempId = uuidFromHex(sha256(`temp\u0000${page.id}`));
      const command: SyncCommand = {
        type: 'item_add',
        uuid: uuidFromHex(sha256(`item_add\u0000${page.id}`)),
        temp_id: tempId,
        args: {
          content: fields.name,
          description: fields.description ?? '',
          priority: todoistPriority(fields.priority ?? null),
          labels: resolved.labels ?? [],
          ...(fields.due ? { due: notionDueToTodoist(fields.due, null) } : {}),
          ...(projectId ? { project_id: projectId } : {}),
          ...(parentId ? { parent_id: parentId } : {}),
        },
      };
      const answer = await writer.sync([command]);
      const status = answer.status[command.uuid];
      const taskId = answer.tempIdMapping[tempId];
      if (status !== 'ok' || !taskId)
        throw new TodoistApiError('bad_request', `item_add refused: ${JSON.stringify(status)}`);
      // Before anything else: the item:added webhook may already be on its way.
      await pointAtPage(ctx, taskId, page.id);
      return taskId;
    },
  });
  const taskId = result.pageId;
  await pointAtPage(ctx, taskId, page.id);
  await ctx.notion.updatePage(page.id, {
    properties: {
      'Todoist ID': { rich_text: textItems(taskId) },
      ...((await ctx.properties('todos')).has('Todoist URL')
        ? { 'Todoist URL': { url: `https://app.todoist.com/app/task/${encodeURIComponent(taskId)}` } }
        : {}),
    },
  });
  if (fields.done) {
    const close: SyncCommand = {
      type: 'item_close',
      uuid: uuidFromHex(sha256(`close\u0000${page.id}`)),
      args: { id: taskId },
    };
    await writer.sync([close]);
  }
  log.info('Todo made in Notion is now one Todoist task', { taskId, created: result.created });
  return 'created';
}

/** The task's claim points at the page made in Notion; a page its webhook made meanwhile goes to the trash. */
async function pointAtPage(ctx: SyncContext, taskId: string, pageId: string): Promise<void> {
  const other = await ctx.ensure.point('todo', taskId, pageId);
  if (!other) return;
  ctx.logger.info('a page made for the task by its webhook meanwhile is trashed', { taskId, pageId: other });
  await ctx.notion.updatePage(other, { inTrash: true }).catch((error: unknown) => {
    if (!isPageGone(error)) throw error;
  });
}
