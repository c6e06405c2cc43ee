import { sameNotionId } from '../notion/ids.js';
import { textItems } from '../notion/properties.js';
import {
  readCheckbox,
  readDate,
  readMultiSelect,
  readRelationIds,
  readSelect,
  readText,
  readTitle,
} from '../notion/property-readers.js';
import type { NotionPage, PropertyInput } from '../notion/types.js';
import { dueKey } from '../todoist/due-from-notion.js';
import type { PriorityName } from './task-properties.js';

/** The Todo properties a person may edit in Notion and that flow back to Todoist, by field. */
export const SYNCED_PROPERTIES = {
  name: 'Name',
  done: 'Done',
  due: 'Due',
  priority: 'Priority',
  labels: 'Labels',
  areas: 'Area',
  description: 'Description',
  project: 'Project',
  parent: 'Parent',
} as const;

export type SyncedField = keyof typeof SYNCED_PROPERTIES;
export const SYNCED_FIELDS = Object.keys(SYNCED_PROPERTIES) as SyncedField[];

/** A Todo page's editable fields in comparable form (relations as page ids). */
export interface PageFields {
  name: string;
  done: boolean;
  due: { start: string; timeZone: string | null } | null;
  priority: PriorityName | null;
  labels: string[];
  areas: string[];
  description: string;
  project: string | null;
  parent: string | null;
}

type Properties = Record<string, unknown>;

/** Stored desired/applied states hold request shapes (`{checkbox: true}`); give them the `type` a response has. */
function asPage(properties: Properties): NotionPage {
  const typed: NotionPage['properties'] = {};
  for (const [name, value] of Object.entries(properties)) {
    if (value === null || typeof value !== 'object') continue;
    const v = value as Record<string, unknown>;
    const type = typeof v['type'] === 'string' ? v['type'] : Object.keys(v).find((k) => k !== 'id');
    if (type) typed[name] = { ...v, type };
  }
  return { id: '', created_time: '', last_edited_time: '', in_trash: false, properties: typed };
}

const PRIORITIES = new Set(['P1', 'P2', 'P3', 'P4']);

/** Reads the synced fields present in a page's (or a stored state's) properties (pure). */
export function readPageFields(properties: Properties): Partial<PageFields> {
  const page = asPage(properties);
  const has = (field: SyncedField) => page.properties[SYNCED_PROPERTIES[field]] !== undefined;
  const out: Partial<PageFields> = {};
  if (has('name')) out.name = readTitle(page, 'Name');
  if (has('done')) out.done = readCheckbox(page, 'Done');
  if (has('due')) {
    const d = readDate(page, 'Due');
    out.due = d ? { start: d.start, timeZone: d.timeZone } : null;
  }
  if (has('priority')) {
    const p = readSelect(page, 'Priority');
    out.priority = p && PRIORITIES.has(p) ? (p as PriorityName) : null;
  }
  if (has('labels')) out.labels = readMultiSelect(page, 'Labels');
  if (has('areas')) out.areas = readRelationIds(page, 'Area');
  if (has('description')) out.description = readText(page, 'Description');
  if (has('project')) out.project = readRelationIds(page, 'Project')[0] ?? null;
  if (has('parent')) out.parent = readRelationIds(page, 'Parent')[0] ?? null;
  return out;
}

const sortedIds = (ids: readonly string[]) => ids.map((id) => id.replace(/-/g, '').toLowerCase()).sort();

/** Whether two values of a field mean the same to Todoist (a due date by instant, sets in any order). */
export function fieldEquals<F extends SyncedField>(field: F, a: PageFields[F], b: PageFields[F]): boolean {
  switch (field) {
    case 'due': {
      const x = a as PageFields['due'];
      const y = b as PageFields['due'];
      return x === null || y === null ? x === y : dueKey(x) === dueKey(y);
    }
    case 'labels':
      return JSON.stringify([...(a as string[])].sort()) === JSON.stringify([...(b as string[])].sort());
    case 'areas':
      return JSON.stringify(sortedIds(a as string[])) === JSON.stringify(sortedIds(b as string[]));
    case 'project':
    case 'parent':
      return a === null || b === null ? a === b : sameNotionId(a as string, b as string);
    case 'name':
    case 'description':
      return String(a).trim() === String(b).trim();
    default:
      return a === b;
  }
}

/** A field's value as the property we write (request shape). */
export function fieldInput<F extends SyncedField>(field: F, value: PageFields[F]): PropertyInput {
  const relation = (ids: readonly string[]) => ({ relation: ids.map((id) => ({ id })) });
  switch (field) {
    case 'name':
      return { title: textItems(value as string) };
    case 'description':
      return { rich_text: textItems(value as string) };
    case 'done':
      return { checkbox: value as boolean };
    case 'due': {
      const d = value as PageFields['due'];
      if (!d) return { date: null };
      return { date: d.timeZone ? { start: d.start, time_zone: d.timeZone } : { start: d.start } };
    }
    case 'priority':
      return { select: value ? { name: value as string } : null };
    case 'labels':
      return { multi_select: (value as string[]).map((name) => ({ name })) };
    case 'areas':
      return relation(value as string[]);
    default:
      return relation(value ? [value as string] : []);
  }
}
