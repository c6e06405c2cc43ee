import { AppError } from '../errors.js';
import { canonicalJson } from '../exactly-once/content-hash.js';
import type { EntityDoc } from '../exactly-once/entity-state.js';
import { sha256 } from '../exactly-once/keys.js';
import type { PageFields, SyncedField } from '../mapping/page-fields.js';
import { commandsFor, uuidFromHex } from '../mapping/todoist-commands.js';
import type { Stored } from '../state/store.js';
import { parseTimestampMicros } from '../todoist/timestamp.js';
import type { SyncContext } from './context.js';
import { commandContext } from './notion-relations.js';

/** How long an edit waits for the webhook of a newer Todoist change before it is sent anyway. */
const UNSEEN_WAIT_MS = 120_000;

/** Todoist changed the task after the state we diffed against; its webhook is on its way. */
export class TodoistChangePendingError extends AppError<'todoist_change_pending'> {
  constructor(taskId: string) {
    super(
      'todoist_change_pending',
      `task ${taskId} changed in Todoist after our last state; waiting for its webhook`,
      {
        transient: true,
      },
    );
  }
}

/**
 * The conflict rule needs both sides' changes. Todoist's webhook for a change made just before the
 * Notion edit may still be on its way: one read of the task tells, and the event is retried
 * (Pub/Sub backoff) until that webhook has been applied, so the later change wins, not the first
 * one to arrive. After a while (a lost webhook) the edit goes ahead; the reconcile repairs the rest.
 */
export async function awaitUnseenTodoistChange(
  ctx: SyncContext,
  taskId: string,
  stored: Stored<EntityDoc>,
  editAt: number,
): Promise<void> {
  const task = await ctx.todoist?.getTask(taskId);
  const seen = BigInt(stored.data.version.split('|')[0] ?? '0');
  const changed = task?.updated_at ? parseTimestampMicros(task.updated_at) : undefined;
  if (changed === undefined || changed <= seen) return;
  if (ctx.now() - editAt > UNSEEN_WAIT_MS) return;
  ctx.logger.info('Notion edit waits for a newer Todoist change to arrive', { taskId, pending: true });
  throw new TodoistChangePendingError(taskId);
}

/** Sends the fields to Todoist; returns those Todoist accepted. */
export async function send(
  ctx: SyncContext,
  log: SyncContext['logger'],
  taskId: string,
  pageId: string,
  stored: Stored<EntityDoc>,
  fields: Partial<PageFields>,
  todoist: Partial<PageFields>,
): Promise<Partial<PageFields>> {
  if (Object.keys(fields).length === 0) return {};
  const base = sha256(`${pageId}\u0000${stored.version}\u0000${canonicalJson(fields)}`);
  const context = await commandContext(ctx, taskId, fields, todoist);
  const commands = commandsFor(fields, {
    ...context,
    taskId,
    uuidFor: (key) => uuidFromHex(sha256(`${base}\u0000${key}`)),
  });
  const result = await ctx.todoistWriter?.sync(commands);
  const accepted: Partial<PageFields> = {};
  const keyOf = (field: SyncedField) => (field === 'areas' ? 'labels' : field);
  for (const field of Object.keys(fields) as SyncedField[]) {
    const command = commands.find((c) => c.uuid === uuidFromHex(sha256(`${base}\u0000${keyOf(field)}`)));
    const status = command ? result?.status[command.uuid] : undefined;
    if (status === 'ok') (accepted as Record<string, unknown>)[field] = fields[field];
    else
      log.error('Todoist refused a change made in Notion; it is not retried', {
        field,
        command: command?.type ?? 'none (the target could not be resolved)',
        failure: status,
      });
  }
  log.info('Notion edit sent to Todoist', { fields: Object.keys(accepted), commands: commands.length });
  return accepted;
}
