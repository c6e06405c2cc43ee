import { type EntityDoc, isShown } from '../exactly-once/entity-state.js';
import { decide } from '../exactly-once/ordering.js';
import type { Stored } from '../state/store.js';
import type { MappedTaskField } from '../todoist/tolerant-task.js';
import type { SyncContext } from './context.js';
import { hasParent } from './subtasks.js';
import { taskFingerprint } from './task-draft.js';

/*
 * What a task event can decide before it maps anything: a redelivery or an older event finds the
 * task's state already shown and stops there, for one read (none when this instance wrote that
 * state) and no write. "Shown" has to mean that nothing is owed: the children waiting for this
 * task are linked before its state is marked shown (applyEntity's `beforeMark`), and a subtask
 * shown without its Parent goes on to register as waiting, since a crash may have come between.
 */

/**
 * Whether a state of the event's own version leaves it nothing to do: Notion shows it, under the
 * mapping this instance would use (else the same version is mapped again), and a subtask shown
 * without its Parent is known to wait for it.
 */
export async function settled(
  ctx: SyncContext,
  stored: EntityDoc,
  isDelete: boolean,
  parentId: string | null | undefined,
): Promise<boolean> {
  if (!isShown(stored)) return false;
  if (isDelete) return true;
  if (stored.fingerprint !== (await taskFingerprint(ctx))) return false;
  return !(await waitsForParent(ctx, parentId, stored));
}

/**
 * Whether the stored state of a subtask was shown without its Parent (the parent had no page yet),
 * so the child must be registered as waiting for it: a crash may have come between the two.
 */
export async function waitsForParent(
  ctx: SyncContext,
  parentId: string | null | undefined,
  stored: EntityDoc,
): Promise<boolean> {
  if (!parentId || stored.deleted || hasParent(stored.desired)) return false;
  return (await ctx.properties('todos')).has('Parent');
}

/**
 * The state this instance last wrote for the task, when it decides the event without a read: the
 * event applies over it (and carries every field, so nothing must be filled from the store), or
 * Notion shows it and the event is older or the same, which no other write can change. Anything
 * else (a duplicate waiting for its applier, a sparse event) is decided on a fresh read.
 */
export function rememberedState(
  ctx: SyncContext,
  taskId: string,
  version: string,
  isDelete: boolean,
  absent: ReadonlySet<MappedTaskField> | undefined,
): Stored<EntityDoc> | undefined {
  const remembered = ctx.memory.taskStates.get(taskId);
  if (!remembered) return undefined;
  if (decide(remembered.data, { version, isDelete }) !== 'apply')
    return isShown(remembered.data) ? remembered : undefined;
  return absent && absent.size > 0 ? undefined : remembered;
}
