import * as v from 'valibot';
import { jsonNumber } from '../validation/json-values.js';
import { isTimestamp } from './timestamp.js';

/*
 * Tolerant schemas for what Todoist sends (webhooks) and returns (API v1). Older generations sent
 * numeric ids and 0/1 booleans, `collapsed` instead of `is_collapsed`, and fields come and go:
 * accept all of it, keep unknown keys (loose objects), normalise to one shape.
 */

/** An opaque id: v1 strings, or the numbers older payloads carried. */
export const idSchema = v.pipe(
  v.union([v.pipe(v.string(), v.minLength(1)), v.pipe(v.number(), v.safeInteger())]),
  v.transform(String),
);

/*
 * Absent fields: a missing key is read as null (or '' / false / [] / 1 below) through the nullish
 * default, since an object schema skips a missing optional key without running its transforms.
 */
const nullableId = v.nullish(idSchema, null);

/** A boolean that older payloads sent as 0/1. */
const boolish = v.pipe(
  v.union([v.boolean(), v.literal(0), v.literal(1)]),
  v.transform((b) => b === true || b === 1),
);
const flag = v.nullish(boolish, false);

const text = v.nullish(v.string(), null);
const words = v.nullish(v.string(), '');

const TIMESTAMP = 'expected an ISO-8601 timestamp such as 2025-02-10T10:39:38.000000Z';
/** A timestamp the ordering rule reads: malformed means unusable, so it fails validation. */
const orderingTimestamp = v.nullish(v.pipe(v.string(), v.check(isTimestamp, TIMESTAMP)), null);

/** Whether a string starts with a real calendar day `YYYY-MM-DD` (`2026-02-30` does not; Notion refuses it). */
export function isCalendarDate(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(value.trim());
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const d = new Date(Date.UTC(year, month - 1, day));
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
}

const calendarDate = v.pipe(
  v.string(),
  v.minLength(1),
  v.check(isCalendarDate, 'expected a calendar date that exists, as YYYY-MM-DD'),
);

export const dueSchema = v.looseObject({
  date: calendarDate,
  string: text,
  is_recurring: flag,
  timezone: text,
  datetime: text,
  lang: text,
});
export type TodoistDue = v.InferOutput<typeof dueSchema>;

/** A task's deadline: a day, apart from its due date (no time, no recurrence). */
export const deadlineSchema = v.looseObject({ date: calendarDate, lang: text });
export type TodoistDeadline = v.InferOutput<typeof deadlineSchema>;

/** How long a task takes: a positive whole amount of minutes or days. */
export const durationSchema = v.looseObject({
  amount: v.pipe(v.number(), v.safeInteger(), v.gtValue(0)),
  unit: v.picklist(['minute', 'day']),
});
export type TodoistDuration = v.InferOutput<typeof durationSchema>;

const priority = v.nullish(
  v.pipe(
    v.union([jsonNumber, v.string()]),
    v.transform(Number),
    v.number(),
    v.safeInteger(),
    v.minValue(1),
    v.maxValue(4),
  ),
  1,
);

/** The fields of a Todoist task (`item` on the wire), each with its own schema (see tolerant-task.ts). */
export const taskFields = {
  id: idSchema,
  content: words,
  description: words,
  project_id: nullableId,
  section_id: nullableId,
  parent_id: nullableId,
  labels: v.nullish(
    v.array(v.pipe(v.union([v.string(), jsonNumber]), v.transform(String)), 'expected an array of labels'),
    () => [],
  ),
  priority,
  due: v.nullish(dueSchema, null),
  deadline: v.nullish(deadlineSchema, null),
  duration: v.nullish(durationSchema, null),
  checked: flag,
  is_deleted: flag,
  collapsed: v.optional(boolish),
  is_collapsed: v.optional(boolish),
  responsible_uid: nullableId,
  /** The account the task belongs to (its owner). */
  user_id: nullableId,
  added_at: text,
  updated_at: orderingTimestamp,
  completed_at: text,
  url: text,
};

/** A Todoist task (`item` on the wire). */
export const taskSchema = v.pipe(
  v.looseObject(taskFields),
  // Object.assign keeps the passthrough keys in the type (a spread would drop the index signature).
  v.transform((t) => Object.assign(t, { is_collapsed: t.is_collapsed ?? t.collapsed ?? false })),
);
export type TodoistTask = v.InferOutput<typeof taskSchema>;

/** A Todoist project. */
export const projectSchema = v.looseObject({
  id: idSchema,
  // Missing only in malformed payloads; '' lets a delete still go through.
  name: words,
  is_archived: flag,
  is_deleted: flag,
  updated_at: orderingTimestamp,
  parent_id: nullableId,
});
export type TodoistProject = v.InferOutput<typeof projectSchema>;

/** A task's parsed `item`, or undefined when it does not validate (a comment stays usable without it). */
const optionalTask = v.pipe(
  v.optional(v.unknown()),
  v.transform((item) => {
    const parsed = v.safeParse(taskSchema, item);
    return parsed.success ? parsed.output : undefined;
  }),
);

/** A comment (`note` on the wire); project comments carry `project_id` instead of `item_id`. */
export const noteSchema = v.looseObject({
  id: idSchema,
  item_id: nullableId,
  project_id: nullableId,
  content: words,
  posted_at: text,
  is_deleted: flag,
  item: optionalTask,
});
export type TodoistNote = v.InferOutput<typeof noteSchema>;

/** A project section. */
export const sectionSchema = v.looseObject({
  id: idSchema,
  name: words,
  project_id: nullableId,
  is_deleted: flag,
  is_archived: flag,
  updated_at: orderingTimestamp,
});
export type TodoistSection = v.InferOutput<typeof sectionSchema>;

const optionalString = v.pipe(
  v.nullish(v.string()),
  v.transform((s) => s ?? undefined),
);

/** A project collaborator (`/projects/{id}/collaborators`: `name`; webhook initiators: `full_name`). */
export const collaboratorSchema = v.pipe(
  v.looseObject({ id: idSchema, name: optionalString, full_name: optionalString, email: optionalString }),
  v.transform((c) => ({ id: c.id, name: c.name ?? c.full_name, email: c.email })),
);
export type TodoistCollaborator = v.InferOutput<typeof collaboratorSchema>;
