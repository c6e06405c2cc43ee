import type { PropertyInput } from '../notion/types.js';
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
  priority: ['Priority'],
  labels: ['Labels', 'Area'],
  project_id: ['Project'],
  section_id: ['Section'],
  parent_id: ['Parent'],
  responsible_uid: ['Assignee'],
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
