import { notionDueToTodoist } from '../todoist/due-from-notion.js';
import type { TodoistDue } from '../todoist/schemas.js';
import type { PageFields } from './page-fields.js';

/** A Todoist Sync API command (`/api/v1/sync`). */
export interface SyncCommand {
  type: string;
  uuid: string;
  args: Record<string, unknown>;
  temp_id?: string;
}

/** What the commands need beyond the page's values: Todoist ids and names the caller resolved. */
export interface CommandContext {
  taskId: string;
  /** The task's current due, to keep a recurrence (only read when Due is sent). */
  currentDue: TodoistDue | null;
  /** Labels the task should carry: plain labels and `<prefix>Area` labels, as the caller merged them. */
  labels?: string[] | undefined;
  /** Todoist id of the Project page, when Project is sent. */
  projectId?: string | null | undefined;
  /** Todoist id of the Parent page, when Parent is sent (null: no parent). */
  parentId?: string | null | undefined;
  /** The task's project, where a task without parent goes. */
  homeProjectId?: string | null | undefined;
  /** A uuid per command key, the same for the same edit (so Todoist applies it once). */
  uuidFor(key: string): string;
}

/** Todoist's priority for a Notion `P1`..`P4` (P1 is Todoist's 4). */
export function todoistPriority(name: string | null): number {
  const n = Number(name?.slice(1));
  return Number.isInteger(n) && n >= 1 && n <= 4 ? 5 - n : 1;
}

/**
 * The Sync commands for the fields a Notion edit sends (pure). One command per field, so each has
 * a uuid of its own: reopen first, then updates and moves, completion last.
 */
export function commandsFor(send: Partial<PageFields>, ctx: CommandContext): SyncCommand[] {
  const id = ctx.taskId;
  const out: SyncCommand[] = [];
  const update = (key: string, args: Record<string, unknown>) =>
    out.push({ type: 'item_update', uuid: ctx.uuidFor(key), args: { id, ...args } });
  if (send.done === false) out.push({ type: 'item_uncomplete', uuid: ctx.uuidFor('done'), args: { id } });
  if (send.name !== undefined) update('name', { content: send.name });
  if (send.description !== undefined) update('description', { description: send.description });
  if (send.priority !== undefined) update('priority', { priority: todoistPriority(send.priority) });
  if (send.due !== undefined) update('due', { due: notionDueToTodoist(send.due, ctx.currentDue) });
  if ((send.labels !== undefined || send.areas !== undefined) && ctx.labels)
    update('labels', { labels: ctx.labels });
  if (send.project !== undefined && ctx.projectId)
    out.push({ type: 'item_move', uuid: ctx.uuidFor('project'), args: { id, project_id: ctx.projectId } });
  if (send.parent !== undefined) {
    if (ctx.parentId)
      out.push({ type: 'item_move', uuid: ctx.uuidFor('parent'), args: { id, parent_id: ctx.parentId } });
    else if (send.parent === null && (ctx.projectId ?? ctx.homeProjectId))
      out.push({
        type: 'item_move',
        uuid: ctx.uuidFor('parent'),
        args: { id, project_id: ctx.projectId ?? ctx.homeProjectId },
      });
  }
  if (send.done === true) out.push({ type: 'item_close', uuid: ctx.uuidFor('done'), args: { id } });
  return out;
}

/** Todoist labels for a task: the plain labels, then one `<prefix>Name` per Area (pure). */
export function mergeLabels(
  plain: readonly string[],
  areaNames: readonly string[],
  prefix: string,
): string[] {
  return [...new Set([...plain, ...areaNames.map((name) => `${prefix}${name}`)])];
}

/** A uuid (RFC 4122 layout, version 5 bits) from a hex digest, so the same input always gives the same uuid. */
export function uuidFromHex(hex: string): string {
  const h = hex.padEnd(32, '0');
  const variant = ((Number.parseInt(h[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
