import * as v from 'valibot';
import { idSchema, type TodoistTask, taskFields, taskSchema } from './schemas.js';

/*
 * A task event is strict only about what identifies it (the task id). Every other field is read on
 * its own: an absent one is reported as absent (the page keeps what it shows), an odd one (priority
 * 7, due 2026-02-30) is left out and reported once, and the rest of the task still goes through.
 */

/** The task fields the Todo page is built from; an event may carry any subset of them. */
export const MAPPED_TASK_FIELDS = [
  'content',
  'description',
  'checked',
  'due',
  'deadline',
  'duration',
  'priority',
  'labels',
  'project_id',
  'section_id',
  'parent_id',
  'responsible_uid',
  'user_id',
  'url',
] as const;
export type MappedTaskField = (typeof MAPPED_TASK_FIELDS)[number];

/** A field left out of an event because its value does not parse. */
export interface FieldIssue {
  field: string;
  value: unknown;
  reason: string;
}

export interface TolerantTask {
  task: TodoistTask;
  /** Mapped fields the event did not carry, or carried in a form that does not parse. */
  absent: ReadonlySet<MappedTaskField>;
  issues: FieldIssue[];
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Values echoed in logs are cut short: a 1 MB odd field must not become a 1 MB log line. */
function shown(value: unknown): unknown {
  const json = JSON.stringify(value) ?? String(value);
  return json.length > 200 ? `${json.slice(0, 200)}… (${json.length} chars)` : value;
}

/**
 * Reads an entity field by field: undefined when its id is missing or unusable (the event cannot
 * be applied to anything), otherwise the fields that parse, and one issue per field that does not.
 */
export function readFields(
  entries: v.ObjectEntries,
  value: unknown,
): { kept: Record<string, unknown>; issues: FieldIssue[] } | undefined {
  if (!isRecord(value) || !v.is(idSchema, value['id'])) return undefined;
  const kept: Record<string, unknown> = { ...value };
  const issues: FieldIssue[] = [];
  for (const [field, schema] of Object.entries(entries)) {
    if (field === 'id' || kept[field] === undefined) continue;
    const parsed = v.safeParse(schema, kept[field]);
    if (parsed.success) continue;
    issues.push({ field, value: shown(kept[field]), reason: parsed.issues[0].message });
    delete kept[field];
  }
  return { kept, issues };
}

/** Reads a task from an event's `event_data` (see `readFields`), with its absent mapped fields. */
export function parseTaskTolerant(value: unknown): TolerantTask | undefined {
  const read = readFields(taskFields, value);
  if (!read) return undefined;
  const absent = new Set(MAPPED_TASK_FIELDS.filter((field) => read.kept[field] === undefined));
  // Every field left either parses alone or is gone, so the whole parses.
  return { task: v.parse(taskSchema, read.kept), absent, issues: read.issues };
}

/**
 * Where a task read from the Todoist API keeps what its parse left out, so a reconcile snapshot
 * blanks nothing either. A symbol key: never serialised, and carried along by object spreads.
 */
const ODD_FIELDS = Symbol('oddFields');

type Tagged = TodoistTask & { [ODD_FIELDS]?: Omit<TolerantTask, 'task'> };

/** A task as the API returns it, read like a webhook's (strict on the id only). */
export const tolerantTaskSchema = v.pipe(
  v.unknown(),
  v.rawTransform(({ dataset, addIssue, NEVER }): TodoistTask => {
    const read = parseTaskTolerant(dataset.value);
    if (!read) {
      addIssue({ message: 'a task without a usable id' });
      return NEVER;
    }
    if (read.absent.size === 0 && read.issues.length === 0) return read.task;
    return Object.assign(read.task, { [ODD_FIELDS]: { absent: read.absent, issues: read.issues } });
  }),
);

/** What the parse of an API task left out (undefined: nothing). */
export function oddFieldsOf(task: TodoistTask): Omit<TolerantTask, 'task'> | undefined {
  return (task as Tagged)[ODD_FIELDS];
}
