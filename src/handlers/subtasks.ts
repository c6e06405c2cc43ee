import { isAppError, isTransient } from '../errors.js';
import { docId } from '../exactly-once/keys.js';
import { setStoredProperty } from '../exactly-once/property-patch.js';
import { textEquals } from '../notion/filters.js';
import type { PropertyInput } from '../notion/types.js';
import { retryOnWriteRace } from '../state/write-race.js';
import { applyEntity, type PageTarget } from './apply-entity.js';
import type { SyncContext } from './context.js';
import { findOldest } from './lookup.js';

/*
 * Subtasks: a child's `Parent` relation points at its parent's Todo page. A child may arrive
 * before its parent; it is never the child's job to create the parent's page (that page would lack
 * the parent's own state), so the child is written without `Parent` (left out, not cleared) and
 * waits in `pending_parents` under its parent's id. Whoever finishes the parent's page links the
 * waiting children. The handshake cannot miss:
 *
 *   child: page written → waiting entry written → peek parent page: known? link now
 *   parent: claim ready (page known)             → read waiting entries → link them
 *
 * If the child's peek misses, the parent's claim became ready after it, so the parent's read of
 * the waiting entries comes after the entry was written. Both may link: linking is idempotent.
 * A link goes through the child's stored state and `applyEntity`, so it never overwrites a newer
 * state of the child (its version is checked, and the apply is fenced like any other).
 */

export const PENDING_PARENTS = 'pending_parents';

/** Children waiting for one parent's page, each at the task version that found the parent missing. */
export interface PendingParentDoc {
  parentId: string;
  children: Array<{ taskId: string; version: string }>;
  updatedAt: number;
}

const pendingId = (parentId: string) => docId('pending_parent', parentId);

/** The Parent relation value for a parent page. */
export const parentValue = (pageId: string): PropertyInput => ({ relation: [{ id: pageId }] });

/** Whether a stored desired state (JSON properties) carries a Parent relation. */
export function hasParent(desired: string | null): boolean {
  try {
    const parent = (JSON.parse(desired ?? '{}') as Record<string, { relation?: unknown[] }>)['Parent'];
    return (parent?.relation?.length ?? 0) > 0;
  } catch {
    return false;
  }
}

/** The parent's Todo page if it exists (store, else a Notion look-up adopted); never creates it. */
export async function resolveParent(ctx: SyncContext, parentId: string): Promise<string | undefined> {
  const known = await ctx.ensure.peek('todo', parentId);
  if (known) return known;
  return ctx.ensure.find('todo', parentId, () =>
    findOldest(ctx, 'todos', textEquals('Todoist ID', parentId)),
  );
}

/** Rewrites the waiting list of a parent (guarded); `change` returns the new list. */
async function editPending(
  ctx: SyncContext,
  parentId: string,
  change: (children: PendingParentDoc['children']) => PendingParentDoc['children'],
): Promise<void> {
  const id = pendingId(parentId);
  await retryOnWriteRace(`pending children of ${parentId}`, async () => {
    const current = await ctx.store.get<PendingParentDoc>(PENDING_PARENTS, id);
    const children = change(current?.data.children ?? []);
    if (!current) {
      if (children.length > 0)
        await ctx.store.create(PENDING_PARENTS, id, { parentId, children, updatedAt: ctx.now() });
    } else if (children.length === 0) {
      await ctx.store.remove(PENDING_PARENTS, id, current.version);
    } else {
      await ctx.store.update(
        PENDING_PARENTS,
        id,
        { parentId, children, updatedAt: ctx.now() },
        current.version,
      );
    }
  });
}

/**
 * After a child's page was written without its Parent: registers it as waiting, then links it at
 * once if the parent's page appeared meanwhile.
 */
export async function awaitParent(
  ctx: SyncContext,
  target: (taskId: string) => PageTarget,
  child: { taskId: string; parentId: string; version: string },
): Promise<void> {
  // The newest state waits: an older delivery that finishes late must not put its version back,
  // or the parent would find the child moved past it and link nothing.
  await editPending(ctx, child.parentId, (list) =>
    list.some((c) => c.taskId === child.taskId && c.version >= child.version)
      ? list
      : [...list.filter((c) => c.taskId !== child.taskId), { taskId: child.taskId, version: child.version }],
  );
  if (await ctx.ensure.peek('todo', child.parentId)) await adoptChildren(ctx, target, child.parentId);
}

/**
 * After a task's own event: links its waiting children unless this instance already settled them
 * for this page (a child waiting since then linked itself on its own peek).
 */
export function adoptChildrenOnce(
  ctx: SyncContext,
  target: (taskId: string) => PageTarget,
  parentId: string,
  /** Tasks whose children are being linked further up this call chain (see adoptChildren). */
  linking: ReadonlySet<string> = new Set(),
): Promise<number> {
  return adoptChildren(ctx, target, parentId, linking, true);
}

/** After a task's page is known: gives the children waiting for it their Parent. Returns how many. */
export async function adoptChildren(
  ctx: SyncContext,
  target: (taskId: string) => PageTarget,
  parentId: string,
  linking: ReadonlySet<string> = new Set(),
  /** Skip when this instance already settled the children of this very page. */
  once = false,
): Promise<number> {
  // The page first: the list is read only once the page is known, so a child registering after the
  // read finds the page on its own peek and links itself (the handshake above).
  const parentPage = await ctx.ensure.peek('todo', parentId);
  if (!parentPage || (once && ctx.memory.childrenSettled.get(parentId) === parentPage)) return 0;
  const settled = ctx.memory.childrenSettled;
  const waiting = await ctx.store.get<PendingParentDoc>(PENDING_PARENTS, pendingId(parentId));
  if (!waiting) {
    settled.set(parentId, parentPage);
    return 0;
  }
  let linked = 0;
  let all = true;
  // Tasks moved under each other can wait for each other: a chain never links back up itself.
  const chain = new Set([...linking, parentId]);
  for (const entry of waiting.data.children) {
    try {
      // Only the child state that found the parent missing is linked; a newer one decided for itself.
      const stored = await setStoredProperty(ctx.store, entry.taskId, 'Parent', parentValue(parentPage), {
        onlyAtVersion: entry.version,
        written: false,
      });
      if (stored) {
        // The child links its own waiting children before its state is marked shown, as any applier.
        const beforeMark = () =>
          chain.has(entry.taskId) ? Promise.resolve(0) : adoptChildrenOnce(ctx, target, entry.taskId, chain);
        await applyEntity(ctx, target(entry.taskId), stored, { beforeMark });
        linked += 1;
      }
      await editPending(ctx, parentId, (list) =>
        list.filter((c) => !(c.taskId === entry.taskId && c.version === entry.version)),
      );
    } catch (error) {
      keepWaiting(ctx, entry.taskId, error);
      all = false;
    }
  }
  if (linked > 0) ctx.logger.info('subtasks linked to their parent', { parentId, linked });
  // Every entry read was handled; later ones link themselves.
  if (all) settled.set(parentId, parentPage);
  return linked;
}

/**
 * A child that cannot be linked for good (the runaway brake, a property Notion refuses) must not
 * hold its parent back (the parent's state would never be marked shown): it stays waiting and is
 * tried again by the next event of either task. A transient failure is thrown: the event is retried.
 */
function keepWaiting(ctx: SyncContext, taskId: string, error: unknown): void {
  if (!isAppError(error) || isTransient(error)) throw error;
  ctx.logger.warn('a subtask could not be linked to its parent now; it stays waiting', { taskId, error });
}
