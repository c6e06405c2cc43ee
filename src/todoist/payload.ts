import * as v from 'valibot';
import { AppError } from '../errors.js';
import { describeIssues } from '../validation/issue-text.js';
import { jsonNumber, jsonObject } from '../validation/json-values.js';
import {
  type EventBase,
  NOTE_EVENTS,
  type ParsedEvent,
  PROJECT_EVENTS,
  SECTION_EVENTS,
  TASK_EVENTS,
  type TaskEvent,
} from './events.js';
import {
  collaboratorSchema,
  idSchema,
  noteSchema,
  projectSchema,
  sectionSchema,
  type TodoistTask,
  taskSchema,
} from './schemas.js';

export * from './events.js';

import { isTimestamp } from './timestamp.js';
import {
  type FieldIssue,
  type MappedTaskField,
  oddFieldsOf,
  parseTaskTolerant,
  readFields,
  type TolerantTask,
} from './tolerant-task.js';

/** A webhook body that is not JSON or not a Todoist event: a poison message, never worth a retry. */
export class TodoistPayloadError extends AppError<'payload_invalid'> {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('payload_invalid', message, { ...options, transient: false });
  }
}

export function isTodoistPayloadError(value: unknown): value is TodoistPayloadError {
  return value instanceof TodoistPayloadError;
}

const envelopeSchema = v.looseObject({
  event_name: v.pipe(v.string(), v.minLength(1)),
  user_id: v.nullish(idSchema, null),
  event_data: v.optional(v.unknown()),
  initiator: v.optional(v.unknown()),
  // Ordering only: an unreadable one is left out (and reported), it does not identify the event.
  triggered_at: v.optional(v.unknown()),
  version: v.pipe(
    v.nullish(v.union([v.string(), jsonNumber]), null),
    v.transform((version) => (version === null ? null : String(version))),
  ),
  event_data_extra: v.nullish(
    jsonObject({ update_intent: v.nullish(v.string()), old_item: v.optional(v.unknown()) }),
    null,
  ),
});

function parsePart<S extends v.GenericSchema>(
  schema: S,
  value: unknown,
  path: string,
  eventName: string,
): v.InferOutput<S> {
  const result = v.safeParse(schema, value);
  if (!result.success) {
    const where = describeIssues(result.issues, { prefix: path, root: '(body)' });
    throw new TodoistPayloadError(`${eventName} payload does not match the Todoist shape: ${where}`);
  }
  return result.output;
}

function decode(raw: string | Uint8Array): Record<string, unknown> {
  const text = (typeof raw === 'string' ? raw : Buffer.from(raw).toString('utf8')).replace(/^\uFEFF/, '');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new TodoistPayloadError(
      `webhook body is not valid JSON (${text.length} chars): ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    const got = Array.isArray(parsed) ? 'an array' : parsed === null ? 'null' : typeof parsed;
    throw new TodoistPayloadError(`webhook body must be one JSON object (a Todoist event), got ${got}`);
  }
  return parsed as Record<string, unknown>;
}

const includes = <T extends string>(list: readonly T[], name: string): name is T =>
  (list as readonly string[]).includes(name);

/**
 * Parses one Todoist webhook body (the raw bytes Todoist signed). Throws TodoistPayloadError
 * for bad JSON or a shape that cannot be applied; unknown events come back as `ignored`.
 */
export function parseWebhookBody(raw: string | Uint8Array): ParsedEvent {
  const body = decode(raw);
  const envelope = parsePart(envelopeSchema, body, '', 'webhook');
  const eventName = envelope.event_name;
  const initiator = v.safeParse(collaboratorSchema, envelope.initiator);
  const { triggeredAt, issues } = readTriggeredAt(envelope.triggered_at);
  const base: EventBase = {
    userId: envelope.user_id,
    triggeredAt,
    issues,
    version: envelope.version,
    initiator: initiator.success ? initiator.output : undefined,
    raw: body,
  };
  const data = envelope.event_data;
  if (includes(TASK_EVENTS, eventName)) {
    const read = parseTaskTolerant(data);
    if (!read) throw new TodoistPayloadError(`${eventName} payload has no usable task id (event_data.id)`);
    const { task, absent } = completionImplied(eventName, read);
    const extra = envelope.event_data_extra;
    const old = extra ? v.safeParse(taskSchema, extra.old_item) : undefined;
    return {
      ...base,
      kind: 'task',
      eventName,
      task,
      updateIntent: extra?.update_intent ?? undefined,
      oldTask: old?.success ? old.output : undefined,
      source: 'webhook',
      absent,
      issues: [...issues, ...read.issues],
    };
  }
  if (includes(PROJECT_EVENTS, eventName)) {
    const project = tolerant(projectSchema, data, eventName, base, (p) => ({ project: p }));
    return { ...project, kind: 'project', eventName };
  }
  if (includes(NOTE_EVENTS, eventName)) {
    return { ...tolerant(noteSchema, data, eventName, base, (note) => ({ note })), kind: 'note', eventName };
  }
  if (includes(SECTION_EVENTS, eventName)) {
    const section = tolerant(sectionSchema, data, eventName, base, (s) => ({ section: s }));
    return { ...section, kind: 'section', eventName };
  }
  return { kind: 'ignored', eventName, raw: body };
}

/**
 * A project, comment or section read like a task: strict on its id only, an odd field left out
 * (and reported through `issues`), the rest kept.
 */
function tolerant<S extends v.LooseObjectSchema<v.ObjectEntries, undefined>, T>(
  schema: S,
  data: unknown,
  eventName: string,
  base: EventBase,
  wrap: (entity: v.InferOutput<S>) => T,
): EventBase & T {
  const read = readFields(schema.entries, data);
  if (!read) throw new TodoistPayloadError(`${eventName} payload has no usable id (event_data.id)`);
  const entity = parsePart(schema, read.kept, 'event_data', eventName);
  return { ...base, issues: [...(base.issues ?? []), ...read.issues], ...wrap(entity) };
}

function readTriggeredAt(value: unknown): { triggeredAt: string | null; issues: FieldIssue[] } {
  if (value === undefined || value === null) return { triggeredAt: null, issues: [] };
  if (typeof value === 'string' && isTimestamp(value)) return { triggeredAt: value, issues: [] };
  const reason = 'expected an ISO-8601 timestamp such as 2025-02-10T10:39:38.000000Z';
  return { triggeredAt: null, issues: [{ field: 'triggered_at', value, reason }] };
}

/** `item:completed` / `item:uncompleted` say what `checked` is even when the payload leaves it out. */
function completionImplied(
  eventName: string,
  read: TolerantTask,
): { task: TodoistTask; absent: ReadonlySet<MappedTaskField> } {
  if (!read.absent.has('checked')) return read;
  if (eventName !== 'item:completed' && eventName !== 'item:uncompleted') return read;
  const absent = new Set(read.absent);
  absent.delete('checked');
  return { task: { ...read.task, checked: eventName === 'item:completed' }, absent };
}

/** A task state read from the Todoist API, as an event the sync core applies like a webhook. */
export function snapshotEvent(task: TodoistTask): TaskEvent {
  return {
    kind: 'task',
    eventName: task.is_deleted ? 'item:deleted' : task.checked ? 'item:completed' : 'item:updated',
    task,
    userId: null,
    triggeredAt: null,
    version: null,
    initiator: undefined,
    raw: task,
    source: 'snapshot',
    absent: oddFieldsOf(task)?.absent,
    issues: oddFieldsOf(task)?.issues,
  };
}
