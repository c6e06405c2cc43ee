import type { PageFields } from '../mapping/page-fields.js';
import { mergeLabels } from '../mapping/todoist-commands.js';
import { readText, readTitle } from '../notion/property-readers.js';
import type { TodoistDue } from '../todoist/schemas.js';
import type { SyncContext } from './context.js';

/** Todoist ids and names a Notion edit's commands need, resolved from the pages it points to. */
export interface ResolvedContext {
  currentDue: TodoistDue | null;
  labels?: string[] | undefined;
  projectId?: string | null | undefined;
  parentId?: string | null | undefined;
  homeProjectId?: string | null | undefined;
}

/** The `Todoist ID` of a Project or Todo page; null when the page has none (made in Notion). */
async function todoistIdOf(ctx: SyncContext, pageId: string): Promise<string | null> {
  const id = readText(await ctx.notion.retrievePage(pageId), 'Todoist ID').trim();
  return id === '' ? null : id;
}

/**
 * Reads only what the sent fields need: the Todoist task for a due date (its recurrence) or a
 * removed parent (its project); Area names for labels; the Todoist ids of a new project or parent.
 */
export async function commandContext(
  ctx: SyncContext,
  taskId: string,
  fields: Partial<PageFields>,
  todoist: Partial<PageFields>,
): Promise<ResolvedContext> {
  const out: ResolvedContext = { currentDue: null };
  if (fields.due !== undefined || fields.parent === null) {
    const task = await ctx.todoist?.getTask(taskId);
    out.currentDue = task?.due ?? null;
    out.homeProjectId = task?.project_id ?? null;
  }
  if (fields.labels !== undefined || fields.areas !== undefined) {
    const areaIds = fields.areas ?? todoist.areas ?? [];
    const names = await Promise.all(
      areaIds.map(async (id) => readTitle(await ctx.notion.retrievePage(id), 'Name').trim()),
    );
    out.labels = mergeLabels(
      fields.labels ?? todoist.labels ?? [],
      names.filter((n) => n !== ''),
      ctx.config.sync.areaLabelPrefix,
    );
  }
  if (fields.project) out.projectId = await todoistIdOf(ctx, fields.project);
  if (fields.parent) out.parentId = await todoistIdOf(ctx, fields.parent);
  return out;
}
