import type { PropertyInput } from '../notion/types.js';
import type { TodoistTask } from '../todoist/schemas.js';
import type { MappedTaskField } from '../todoist/tolerant-task.js';

/*
 * A task event may carry only some fields (an `item:added` holding just `id` was seen). The
 * stored desired state is a full property map, so a sparse event is merged into it per property:
 * what the event carries replaces the stored value, what it lacks keeps the stored value, and a
 * property the store never had is left out of the write, so Notion keeps whatever it shows
 * (see `mergeDraft` in task-draft.ts).
 */

/** The Todo properties each task field decides. */
const PROPERTIES_OF: Record<MappedTaskField, readonly string[]> = {
  content: ['Name'],
  description: ['Description'],
  checked: ['Done'],
  due: ['Due'],
  deadline: ['Deadline'],
  duration: ['Duration'],
  priority: ['Priority'],
  labels: ['Labels', 'Area'],
  project_id: ['Project'],
  section_id: ['Section'],
  parent_id: ['Parent'],
  responsible_uid: ['Assignee'],
  user_id: ['Owner'],
  url: ['Todoist URL'],
};

/** Names of the properties the absent fields decide: these keep their stored value. */
export function propertiesOfAbsent(absent: ReadonlySet<MappedTaskField> | undefined): string[] {
  return absent ? [...absent].flatMap((field) => PROPERTIES_OF[field]) : [];
}

/** The event's properties without those it cannot decide. */
export function withoutKept(
  properties: Record<string, PropertyInput>,
  kept: readonly string[],
): Record<string, PropertyInput> {
  return Object.fromEntries(Object.entries(properties).filter(([name]) => !kept.includes(name)));
}

/**
 * The task as far as it is known: fields the event lacks are taken from the stored source (the
 * Todoist fields the page was last mapped from), so they are mapped again with today's mapping
 * and today's claims (a merged Area resolves to the page that survived), never copied as old
 * page ids. Fields nothing knows stay absent.
 */
export function withKnownFields(
  task: TodoistTask,
  absent: ReadonlySet<MappedTaskField> | undefined,
  known: Partial<Record<MappedTaskField, unknown>>,
): { task: TodoistTask; absent: Set<MappedTaskField> } {
  const filled: Record<string, unknown> = { ...task };
  const still = new Set<MappedTaskField>();
  for (const field of absent ?? []) {
    if (known[field] === undefined) still.add(field);
    else filled[field] = known[field];
  }
  return { task: filled as TodoistTask, absent: still };
}

/** The stored source of a task's state (`EntityDoc.source`), or nothing. */
export function storedSource(json: string | null | undefined): Partial<Record<MappedTaskField, unknown>> {
  return json ? (JSON.parse(json) as Partial<Record<MappedTaskField, unknown>>) : {};
}

/** The title a stored desired state shows (`Name`), or undefined. */
export function storedTitle(desired: string | null | undefined): string | undefined {
  if (!desired) return undefined;
  const name = (JSON.parse(desired) as { Name?: { title?: Array<{ text?: { content?: string } }> } }).Name;
  const text = (name?.title ?? []).map((t) => t.text?.content ?? '').join('');
  return text === '' ? undefined : text;
}
