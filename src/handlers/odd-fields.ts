import type { Logger } from '../log/logger.js';
import type { FieldIssue } from '../todoist/tolerant-task.js';
import type { TaskDraft } from './task-draft.js';

/**
 * One WARNING per odd field of a task event, naming the task, the field and the value: the field
 * was left out or cut, and the rest of the task was written, so nothing is lost without a word.
 */
export function reportOddFields(
  log: Logger,
  taskId: string,
  issues: readonly FieldIssue[],
  draft: Pick<TaskDraft, 'cuts' | 'emptyTitle'>,
): void {
  reportIssues(log, `task ${taskId}`, issues, { taskId });
  for (const cut of draft.cuts)
    log.warn(`task ${taskId}: field ${cut.field} cut to fit Notion's limits`, {
      taskId,
      field: cut.field,
      cut: cut.cut,
    });
  if (draft.emptyTitle)
    log.warn(`task ${taskId}: field content is empty; the page keeps its title (a placeholder when new)`, {
      taskId,
      field: 'content',
      value: '',
    });
}

/** One WARNING per field of an event left out because its value does not parse. */
export function reportIssues(
  log: Logger,
  subject: string,
  issues: readonly FieldIssue[],
  fields: Record<string, unknown> = {},
): void {
  for (const issue of issues)
    log.warn(`${subject}: field ${issue.field} left out, its value does not parse`, {
      ...fields,
      field: issue.field,
      value: issue.value,
      reason: issue.reason,
    });
}
