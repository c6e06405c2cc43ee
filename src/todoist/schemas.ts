import { z } from 'zod';
import { isTimestamp } from './timestamp.js';

/*
 * Tolerant schemas for what Todoist sends (webhooks) and returns (API v1). Older generations sent
 * numeric ids and 0/1 booleans, `collapsed` instead of `is_collapsed`, and fields come and go:
 * accept all of it, keep unknown keys (loose objects), normalise to one shape.
 */

/** An opaque id: v1 strings, or the numbers older payloads carried. */
export const idSchema = z.union([z.string().min(1), z.number().int()]).transform(String);

const nullableId = idSchema.nullish().transform((v) => v ?? null);

/** A boolean that older payloads sent as 0/1. */
const boolish = z.union([z.boolean(), z.literal(0), z.literal(1)]).transform((v) => v === true || v === 1);
const flag = boolish.nullish().transform((v) => v ?? false);

const text = z
  .string()
  .nullish()
  .transform((v) => v ?? null);

/** A timestamp the ordering rule reads: malformed means unusable, so it fails validation. */
const orderingTimestamp = z
  .string()
  .refine(isTimestamp, 'expected an ISO-8601 timestamp such as 2025-02-10T10:39:38.000000Z')
  .nullish()
  .transform((v) => v ?? null);

/** Whether a string starts with a real calendar day `YYYY-MM-DD` (`2026-02-30` does not; Notion refuses it). */
export function isCalendarDate(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(value.trim());
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const d = new Date(Date.UTC(year, month - 1, day));
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
}

export const dueSchema = z.looseObject({
  date: z.string().min(1).refine(isCalendarDate, 'expected a calendar date that exists, as YYYY-MM-DD'),
  string: text,
  is_recurring: flag,
  timezone: text,
  datetime: text,
  lang: text,
});
export type TodoistDue = z.output<typeof dueSchema>;

/** A task's deadline: a day, apart from its due date (no time, no recurrence). */
export const deadlineSchema = z.looseObject({
  date: z.string().min(1).refine(isCalendarDate, 'expected a calendar date that exists, as YYYY-MM-DD'),
  lang: text,
});
export type TodoistDeadline = z.output<typeof deadlineSchema>;

/** How long a task takes: a positive whole amount of minutes or days. */
export const durationSchema = z.looseObject({
  amount: z.number().int().positive(),
  unit: z.enum(['minute', 'day']),
});
export type TodoistDuration = z.output<typeof durationSchema>;

const priority = z
  .union([z.number(), z.string()])
  .transform(Number)
  .pipe(z.number().int().min(1).max(4))
  .nullish()
  .transform((v) => v ?? 1);

/** The fields of a Todoist task (`item` on the wire), each with its own schema (see tolerant-task.ts). */
export const taskFieldsSchema = z.looseObject({
  id: idSchema,
  content: z
    .string()
    .nullish()
    .transform((v) => v ?? ''),
  description: z
    .string()
    .nullish()
    .transform((v) => v ?? ''),
  project_id: nullableId,
  section_id: nullableId,
  parent_id: nullableId,
  labels: z
    .array(z.union([z.string(), z.number()]).transform(String))
    .nullish()
    .transform((v) => v ?? []),
  priority,
  due: dueSchema.nullish().transform((v) => v ?? null),
  deadline: deadlineSchema.nullish().transform((v) => v ?? null),
  duration: durationSchema.nullish().transform((v) => v ?? null),
  checked: flag,
  is_deleted: flag,
  collapsed: boolish.optional(),
  is_collapsed: boolish.optional(),
  responsible_uid: nullableId,
  /** The account the task belongs to (its owner). */
  user_id: nullableId,
  added_at: text,
  updated_at: orderingTimestamp,
  completed_at: text,
  url: text,
});

/** A Todoist task (`item` on the wire). */
export const taskSchema = taskFieldsSchema
  // Object.assign keeps the passthrough keys in the type (a spread would drop the index signature).
  .transform((t) => Object.assign(t, { is_collapsed: t.is_collapsed ?? t.collapsed ?? false }));
export type TodoistTask = z.output<typeof taskSchema>;

/** A Todoist project. */
export const projectSchema = z.looseObject({
  id: idSchema,
  // Missing only in malformed payloads; '' lets a delete still go through.
  name: z
    .string()
    .nullish()
    .transform((v) => v ?? ''),
  is_archived: flag,
  is_deleted: flag,
  updated_at: orderingTimestamp,
  parent_id: nullableId,
});
export type TodoistProject = z.output<typeof projectSchema>;

/** A task's parsed `item`, or undefined when it does not validate (a comment stays usable without it). */
const optionalTask = z
  .unknown()
  .optional()
  .transform((v) => {
    const parsed = taskSchema.safeParse(v);
    return parsed.success ? parsed.data : undefined;
  });

/** A comment (`note` on the wire); project comments carry `project_id` instead of `item_id`. */
export const noteSchema = z.looseObject({
  id: idSchema,
  item_id: nullableId,
  project_id: nullableId,
  content: z
    .string()
    .nullish()
    .transform((v) => v ?? ''),
  posted_at: text,
  is_deleted: flag,
  item: optionalTask,
});
export type TodoistNote = z.output<typeof noteSchema>;

/** A project section. */
export const sectionSchema = z.looseObject({
  id: idSchema,
  name: z
    .string()
    .nullish()
    .transform((v) => v ?? ''),
  project_id: nullableId,
  is_deleted: flag,
  is_archived: flag,
  updated_at: orderingTimestamp,
});
export type TodoistSection = z.output<typeof sectionSchema>;

const optionalString = z
  .string()
  .nullish()
  .transform((v) => v ?? undefined);

/** A project collaborator (`/projects/{id}/collaborators`: `name`; webhook initiators: `full_name`). */
export const collaboratorSchema = z
  .looseObject({ id: idSchema, name: optionalString, full_name: optionalString, email: optionalString })
  .transform((c) => ({ id: c.id, name: c.name ?? c.full_name, email: c.email }));
export type TodoistCollaborator = z.output<typeof collaboratorSchema>;
