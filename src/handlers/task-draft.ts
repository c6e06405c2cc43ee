import { contentHash } from '../exactly-once/content-hash.js';
import type { EntityDoc } from '../exactly-once/entity-state.js';
import { mappingFingerprint } from '../mapping/mapping-fingerprint.js';
import { propertiesOfAbsent, withoutKept } from '../mapping/sparse-task.js';
import { type Cut, fitToNotion } from '../mapping/task-limits.js';
import { type TodoFields, taskToTodo } from '../mapping/task-properties.js';
import { title } from '../notion/properties.js';
import type { PropertyInput } from '../notion/types.js';
import type { UpdateIntent } from '../todoist/events.js';
import type { TodoistTask } from '../todoist/schemas.js';
import { MAPPED_TASK_FIELDS, type MappedTaskField } from '../todoist/tolerant-task.js';
import type { SyncContext } from './context.js';
import { todoProperties } from './todos.js';

/** What a page shows for a task whose title is empty and that has never shown one. */
export const UNTITLED = 'Untitled task';

/** Properties a sparse event may still fill when the store has nothing better (derived, not sent). */
const FALLBACKS: readonly string[] = ['Todoist URL'];

/**
 * Relations hold page ids, and cleanup may have merged (trashed) those pages since they were
 * stored: a relation is re-derived from the stored Todoist fields or left out, never copied.
 */
const RELATIONS: readonly string[] = ['Area', 'Project', 'Parent', 'Assignee', 'Owner'];

/** The Todoist fields a task's page was built from, as stored with its state (remap re-reads them). */
export type TaskSource = Partial<Record<MappedTaskField, unknown>>;

/** One task mapped for a write: the properties it decides, those it leaves to the stored state. */
export interface TaskDraft {
  fields: TodoFields;
  properties: Record<string, PropertyInput>;
  /** Property names whose stored value wins (fields absent from the event, an empty title). */
  kept: string[];
  source: TaskSource;
  fingerprint: string;
  cuts: Cut[];
  emptyTitle: boolean;
}

export interface DraftInput {
  absent?: ReadonlySet<MappedTaskField> | undefined;
  updateIntent?: UpdateIntent | undefined;
}

/** The fields fitted to Notion's limits, before any relation is resolved (pure). */
export function taskFields(ctx: SyncContext, task: TodoistTask, input: DraftInput) {
  const mapped = taskToTodo(task, {
    areaLabelPrefix: ctx.config.sync.areaLabelPrefix,
    updateIntent: input.updateIntent,
    dueAsRange: ctx.config.sync.dueAsRange,
  });
  return fitToNotion(mapped);
}

/** Maps a task (ensuring the pages it links to) into what its page should show. */
export async function draftTask(ctx: SyncContext, task: TodoistTask, input: DraftInput): Promise<TaskDraft> {
  const { fields, cuts } = taskFields(ctx, task, input);
  const available = await ctx.properties('todos');
  const absentProps = propertiesOfAbsent(input.absent).filter((name) => available.has(name));
  const all = await todoProperties(ctx, fields);
  const properties = withoutKept(
    all,
    absentProps.filter((name) => !FALLBACKS.includes(name)),
  );
  const kept = [...absentProps];
  const emptyTitle = !input.absent?.has('content') && fields.name.trim() === '';
  if (emptyTitle && available.has('Name')) {
    properties['Name'] = title(UNTITLED);
    kept.push('Name');
  }
  const source: TaskSource = {};
  for (const field of MAPPED_TASK_FIELDS)
    if (!input.absent?.has(field)) source[field] = field === 'checked' ? fields.done : task[field];
  const fingerprint = await taskFingerprint(ctx);
  return { fields, properties, kept, source, fingerprint, cuts, emptyTitle };
}

/** The fingerprint of this instance's task mapping (configuration and the Todos schema, read once). */
export async function taskFingerprint(ctx: SyncContext): Promise<string> {
  return mappingFingerprint({
    areaLabelPrefix: ctx.config.sync.areaLabelPrefix,
    dueAsRange: ctx.config.sync.dueAsRange,
    properties: await ctx.properties('todos'),
  });
}

const parse = <T>(json: string | null | undefined): Partial<T> =>
  json ? (JSON.parse(json) as Partial<T>) : {};

/**
 * The state to store after this draft: kept properties come from the stored state when it has
 * them (else the draft's fallback, else they stay out), and the source is merged field by field.
 */
export function mergeDraft(
  previous: EntityDoc | null,
  draft: TaskDraft,
): { desired: string; desiredHash: string; source: string } {
  const before = parse<Record<string, PropertyInput>>(previous?.desired);
  const merged: Record<string, PropertyInput> = { ...draft.properties };
  for (const name of draft.kept) {
    const old = before[name];
    if (old !== undefined && !RELATIONS.includes(name)) merged[name] = old;
  }
  const source = { ...parse<TaskSource>(previous?.source), ...draft.source };
  return {
    desired: JSON.stringify(merged),
    desiredHash: contentHash(merged),
    source: JSON.stringify(source),
  };
}
