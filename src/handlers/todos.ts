import { commitDesired, type EntityDoc, isShown, readEntity } from '../exactly-once/entity-state.js';
import { decide, eventVersion } from '../exactly-once/ordering.js';
import { storedSource, withKnownFields } from '../mapping/sparse-task.js';
import { type TodoFields, todoToProperties } from '../mapping/task-properties.js';
import type { PropertyInput } from '../notion/types.js';
import type { TaskEvent } from '../todoist/payload.js';
import type { MappedTaskField } from '../todoist/tolerant-task.js';
import { applyEntity, type PageTarget } from './apply-entity.js';
import { ensureAreas } from './areas.js';
import { awaitOtherApplier } from './await-settled.js';
import type { SyncContext } from './context.js';
import { todoistPage } from './lookup.js';
import { reportOddFields } from './odd-fields.js';
import { rememberCollaborator, resolveAssignee } from './people.js';
import { ensureProjectForTask } from './projects.js';
import { sectionName } from './sections.js';
import { adoptChildrenOnce, awaitParent, resolveParent } from './subtasks.js';
import { draftTask, mergeDraft, taskFields } from './task-draft.js';
import { rememberedState, settled, waitsForParent } from './task-settled.js';

export type TaskOutcome = 'applied' | 'unchanged' | 'stale' | 'filtered' | 'duplicate';

/** The Notion page of one Todoist task, found by its `Todoist ID`. */
export function todoTarget(ctx: SyncContext, taskId: string): PageTarget {
  // Every applier of a task's state (its events, a parent linking it, remap, a Notion edit) links
  // the children waiting for it first, so a state shown means none is left waiting on it.
  const targetOf = (id: string) => todoTarget(ctx, id);
  return { ...todoistPage(ctx, 'todo', taskId), beforeMark: () => adoptChildrenOnce(ctx, targetOf, taskId) };
}

/** Whether the opt-in/opt-out filters leave this task out of the sync. */
export function isFilteredOut(
  ctx: SyncContext,
  fields: Pick<TodoFields, 'labels' | 'areaNames' | 'projectId'>,
  rawLabels: readonly string[],
  /** Fields the event did not carry: a filter on them cannot decide, so it lets the task through. */
  absent?: ReadonlySet<MappedTaskField>,
): boolean {
  const { onlyLabel, excludeProjectIds } = ctx.config.sync;
  if (onlyLabel && !absent?.has('labels') && !rawLabels.includes(onlyLabel)) return true;
  return (
    fields.projectId !== null &&
    fields.projectId !== undefined &&
    excludeProjectIds.includes(fields.projectId)
  );
}

/** Notion properties for a task: its fields plus the pages it relates to (ensured as needed). */
export async function todoProperties(
  ctx: SyncContext,
  fields: TodoFields,
): Promise<Record<string, PropertyInput>> {
  const available = await ctx.properties('todos');
  const [areaPageIds, projectPageId, assigneePageId, ownerPageId, parentPageId, section] = await Promise.all([
    available.has('Area') ? ensureAreas(ctx, fields.areaNames) : Promise.resolve([]),
    available.has('Project') && fields.projectId
      ? ensureProjectForTask(ctx, fields.projectId)
      : Promise.resolve(undefined),
    available.has('Assignee') && fields.responsibleUid
      ? resolveAssignee(ctx, fields.responsibleUid, fields.projectId)
      : Promise.resolve(undefined),
    available.has('Owner') && fields.ownerUid
      ? resolveAssignee(ctx, fields.ownerUid, fields.projectId)
      : Promise.resolve(undefined),
    // A parent not synced yet is never created from here: the child waits for it (subtasks.ts).
    available.has('Parent') && fields.parentId
      ? resolveParent(ctx, fields.parentId)
      : Promise.resolve(undefined),
    available.has('Section') && fields.sectionId
      ? sectionName(ctx, fields.sectionId)
      : Promise.resolve(undefined),
  ]);
  return todoToProperties(
    fields,
    { areaPageIds, projectPageId, assigneePageId, ownerPageId, parentPageId, sectionName: section },
    available,
  );
}

/** Applies one task event or snapshot: newest state wins, one page per task. */
export async function syncTask(ctx: SyncContext, event: TaskEvent): Promise<TaskOutcome> {
  const task = event.task;
  if (event.initiator) rememberCollaborator(ctx.memory.people, event.initiator);
  const input = { absent: event.absent, updateIntent: event.updateIntent };
  const { fields } = taskFields(ctx, task, input);
  const isDelete = event.eventName === 'item:deleted' || task.is_deleted === true;
  if (!isDelete && isFilteredOut(ctx, fields, task.labels, event.absent)) return 'filtered';
  const target = todoTarget(ctx, task.id);
  const version = eventVersion(event);
  return ctx.memory.serial.todo(task.id, async () => {
    const log = ctx.logger.child({ taskId: task.id, eventName: event.eventName });
    const targetOf = (id: string) => todoTarget(ctx, id);
    // Applies link waiting children before they mark (todoTarget); a state found shown already may
    // still meet a child registered since, which this links.
    const adopt = () => adoptChildrenOnce(ctx, targetOf, task.id);
    // Decide before building relations: a stale event must not ensure areas or projects.
    const before =
      rememberedState(ctx, task.id, version, isDelete, event.absent) ??
      (await readEntity(ctx.store, 'todo', task.id));
    if (before) {
      const verdict = decide(before.data, { version, isDelete });
      if (verdict === 'stale') return stale(ctx, target, before, log);
      // A redelivery of a shown state: one read, no write, no Notion request.
      if (verdict === 'duplicate' && (await settled(ctx, before.data, isDelete, fields.parentId)))
        return 'duplicate';
    }
    const known = before && !before.data.deleted ? before.data.source : undefined;
    const filled = withKnownFields(task, event.absent, storedSource(known));
    const draft = isDelete ? null : await draftTask(ctx, filled.task, { ...input, absent: filled.absent });
    if (draft) reportOddFields(log, task.id, event.issues ?? [], draft);
    const outcome = await commitDesired(
      ctx.store,
      'todo',
      task.id,
      {
        version,
        isDelete,
        desired: null,
        desiredHash: 'deleted',
        merge: draft ? (previous) => mergeDraft(previous, draft) : undefined,
        fingerprint: draft?.fingerprint,
      },
      ctx.now,
      before ?? null,
    );
    if (outcome.verdict === 'stale') return stale(ctx, target, outcome.stored, log);
    if (outcome.verdict === 'apply') ctx.memory.taskStates.set(task.id, outcome.stored);
    const toApply =
      outcome.verdict === 'duplicate'
        ? await awaitOtherApplier(ctx, 'todo', task.id, outcome.stored)
        : outcome.stored;
    // A webhook's item:added is the task's birth; a snapshot or any later event may meet an existing page.
    const born = event.eventName === 'item:added' && event.source !== 'snapshot';
    // No state left to apply: this copy was a duplicate of one another applier has just shown.
    const applied = toApply ? await applyEntity(ctx, target, toApply, { born }) : 'duplicate';
    if (!draft) return applied;
    // The stored state decides, not this call's: a redelivery after a crash finds the parent now but
    // commits nothing (same version), so the state without Parent must still wait for it.
    const stored = outcome.stored.data;
    const { parentId } = fields;
    if (parentId && (await waitsForParent(ctx, parentId, stored)))
      await awaitParent(ctx, targetOf, { taskId: task.id, parentId, version: stored.version });
    await adopt();
    return applied;
  });
}

async function stale(
  ctx: SyncContext,
  target: PageTarget,
  stored: { data: EntityDoc; version: string },
  log: SyncContext['logger'],
): Promise<TaskOutcome> {
  log.info('stale event skipped: a newer state was already applied', {
    stale: true,
    appliedVersion: stored.data.version,
  });
  // A newer state committed long ago but never shown means its applier died: finish its work.
  if (!isShown(stored.data) && ctx.now() - stored.data.updatedAt > ctx.config.state.leaseMs) {
    await applyEntity(ctx, target, stored);
  }
  return 'stale';
}
