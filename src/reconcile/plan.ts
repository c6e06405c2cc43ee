import { contentHash } from '../exactly-once/content-hash.js';
import { readEntity } from '../exactly-once/entity-state.js';
import type { EntityKind } from '../exactly-once/keys.js';
import { decide, eventVersion } from '../exactly-once/ordering.js';
import type { SyncContext } from '../handlers/context.js';
import { projectProperties } from '../handlers/projects.js';
import { draftTask, mergeDraft } from '../handlers/task-draft.js';
import { isFilteredOut } from '../handlers/todos.js';
import { storedSource, withKnownFields } from '../mapping/sparse-task.js';
import { taskToTodo } from '../mapping/task-properties.js';
import type { ProjectEvent, TaskEvent } from '../todoist/payload.js';

/*
 * Dry-run planning: what a reconcile would change, decided the way the sync decides (newest wins
 * on the stored version, then the desired property hash against the stored `appliedHash`), on a
 * read-only context. A task the store does not know would be created, or adopted if a page with
 * its Todoist ID already exists.
 */

export type PlannedAction = 'create' | 'update' | 'trash' | 'unchanged' | 'stale' | 'filtered' | 'skipped';

export interface PlannedChange {
  kind: EntityKind;
  id: string;
  name: string;
  action: PlannedAction;
  /** Why, when the action alone does not say (e.g. `completed`, `gone from Todoist`). */
  reason?: string;
}

/** Same Todoist version, other properties (a mapping change): the sync keeps what it showed. */
export interface PlanFlags {
  mappingDrift: boolean;
}

function stateAction(
  before: Awaited<ReturnType<typeof readEntity>>,
  version: string,
  hash: string,
): PlannedAction {
  if (!before || before.data.appliedHash === null) return 'create';
  const verdict = decide(before.data, { version, isDelete: false });
  if (verdict === 'stale') return 'stale';
  // A replayed version keeps the committed state: only unfinished work would be written.
  const target = verdict === 'duplicate' ? before.data.desiredHash : hash;
  return before.data.appliedHash === target ? 'unchanged' : 'update';
}

/** What applying this task snapshot would do (read-only context expected). */
export async function planTask(ctx: SyncContext, event: TaskEvent): Promise<PlannedChange & PlanFlags> {
  const task = event.task;
  const fields = taskToTodo(task, { areaLabelPrefix: ctx.config.sync.areaLabelPrefix });
  const base = { kind: 'todo' as const, id: task.id, name: fields.name, mappingDrift: false };
  if (isFilteredOut(ctx, fields, task.labels)) return { ...base, action: 'filtered' };
  const before = await readEntity(ctx.store, 'todo', task.id);
  const version = eventVersion(event);
  if (before && decide(before.data, { version, isDelete: false }) === 'stale')
    return { ...base, action: 'stale' };
  // Mapped exactly as syncTask maps it (limits, fields the snapshot lacks), so a plan and a run agree.
  const known = before && !before.data.deleted ? storedSource(before.data.source) : {};
  const filled = withKnownFields(task, event.absent, known);
  const draft = await draftTask(ctx, filled.task, { absent: filled.absent });
  const hash = mergeDraft(before && !before.data.deleted ? before.data : null, draft).desiredHash;
  const action = stateAction(before, version, hash);
  const replayed = before !== undefined && decide(before.data, { version, isDelete: false }) === 'duplicate';
  const mappingDrift = replayed && before.data.desiredHash !== hash;
  return { ...base, action, mappingDrift, ...(task.checked ? { reason: 'completed' } : {}) };
}

/** What applying this project snapshot would do. */
export async function planProject(ctx: SyncContext, event: ProjectEvent): Promise<PlannedChange> {
  const { project } = event;
  const base = { kind: 'project' as const, id: project.id, name: project.name };
  const before = await readEntity(ctx.store, 'project', project.id);
  const version = eventVersion(event);
  const isDelete = event.eventName === 'project:archived';
  if (before && decide(before.data, { version, isDelete, canRevive: true }) === 'stale')
    return { ...base, action: 'stale' };
  if (isDelete) return { ...base, action: before && !before.data.deleted ? 'trash' : 'unchanged' };
  const hash = contentHash(projectProperties(await ctx.properties('projects'), project.id, project.name));
  if (!before) {
    // Made earlier for a task (ensure-once), the page exists but shows a name not yet confirmed.
    const known = await ctx.ensure.peek('project', project.id);
    return { ...base, action: known ? 'update' : 'create' };
  }
  return { ...base, action: stateAction(before, version, hash) };
}
