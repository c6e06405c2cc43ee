import { z } from 'zod';
import { AppError } from '../errors.js';
import {
  collaboratorSchema,
  idSchema,
  noteSchema,
  projectSchema,
  sectionSchema,
  type TodoistCollaborator,
  type TodoistNote,
  type TodoistProject,
  type TodoistSection,
  type TodoistTask,
  taskSchema,
} from './schemas.js';
import { isTimestamp } from './timestamp.js';

/** A webhook body that is not JSON or not a Todoist event: a poison message, never worth a retry. */
export class TodoistPayloadError extends AppError<'payload_invalid'> {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('payload_invalid', message, { ...options, transient: false });
  }
}

export function isTodoistPayloadError(value: unknown): value is TodoistPayloadError {
  return value instanceof TodoistPayloadError;
}

export const TASK_EVENTS = ['item:added', 'item:updated', 'item:deleted', 'item:completed', 'item:uncompleted'] as const;
export const PROJECT_EVENTS = [
  'project:added',
  'project:updated',
  'project:deleted',
  'project:archived',
  'project:unarchived',
] as const;
export const NOTE_EVENTS = ['note:added', 'note:updated', 'note:deleted'] as const;
export const SECTION_EVENTS = [
  'section:added',
  'section:updated',
  'section:deleted',
  'section:archived',
  'section:unarchived',
] as const;

export type TaskEventName = (typeof TASK_EVENTS)[number];
export type ProjectEventName = (typeof PROJECT_EVENTS)[number];
export type NoteEventName = (typeof NOTE_EVENTS)[number];
export type SectionEventName = (typeof SECTION_EVENTS)[number];

/** `event_data_extra.update_intent`; unknown values are passed through as sent. */
export type UpdateIntent = 'item_updated' | 'item_completed' | 'item_uncompleted' | (string & {});

interface EventBase {
  userId: string | null;
  /** `triggered_at` as sent, null when absent (API snapshots have none). */
  triggeredAt: string | null;
  /** The webhook format version as sent (`"1"`, `"10"`, `"9"` were all seen); null when absent. */
  version: string | null;
  /** Who caused the event (may differ from the user in shared projects). */
  initiator: TodoistCollaborator | undefined;
  /** The whole body as parsed JSON: the source of truth for anything not modelled here. */
  raw: Record<string, unknown>;
}

export interface TaskEvent extends EventBase {
  kind: 'task';
  eventName: TaskEventName;
  task: TodoistTask;
  updateIntent?: UpdateIntent | undefined;
  /** `event_data_extra.old_item` when sent and valid. */
  oldTask?: TodoistTask | undefined;
  /** `snapshot` for states read from the Todoist API by reconcile. */
  source: 'webhook' | 'snapshot';
}
export interface ProjectEvent extends EventBase {
  kind: 'project';
  eventName: ProjectEventName;
  project: TodoistProject;
}
export interface NoteEvent extends EventBase {
  kind: 'note';
  eventName: NoteEventName;
  note: TodoistNote;
}
export interface SectionEvent extends EventBase {
  kind: 'section';
  eventName: SectionEventName;
  section: TodoistSection;
}
/** Labels, filters, reminders and unknown events: acknowledged, counted, not applied. */
export interface IgnoredEvent {
  kind: 'ignored';
  eventName: string;
  raw: Record<string, unknown>;
}

export type ParsedEvent = TaskEvent | ProjectEvent | NoteEvent | SectionEvent | IgnoredEvent;

const envelopeSchema = z.looseObject({
  event_name: z.string().min(1),
  user_id: idSchema.nullish().transform((v) => v ?? null),
  event_data: z.unknown(),
  initiator: z.unknown(),
  triggered_at: z
    .string()
    .refine(isTimestamp, 'expected an ISO-8601 timestamp such as 2025-02-10T10:39:38.000000Z')
    .nullish()
    .transform((v) => v ?? null),
  version: z
    .union([z.string(), z.number()])
    .nullish()
    .transform((v) => (v === null || v === undefined ? null : String(v))),
  event_data_extra: z
    .looseObject({ update_intent: z.string().nullish(), old_item: z.unknown() })
    .nullish()
    .transform((v) => v ?? null),
});

function describe(error: z.ZodError, prefix: string): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${[prefix, ...issue.path.map(String)].filter(Boolean).join('.') || '(body)'}: ${issue.message}`)
    .join('; ');
}

function parsePart<S extends z.ZodType>(schema: S, value: unknown, path: string, eventName: string): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new TodoistPayloadError(`${eventName} payload does not match the Todoist shape: ${describe(result.error, path)}`);
  }
  return result.data;
}

function decode(raw: string | Uint8Array): Record<string, unknown> {
  const text = (typeof raw === 'string' ? raw : Buffer.from(raw).toString('utf8')).replace(/^\uFEFF/, '');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new TodoistPayloadError(`webhook body is not valid JSON (${text.length} chars): ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    const got = Array.isArray(parsed) ? 'an array' : parsed === null ? 'null' : typeof parsed;
    throw new TodoistPayloadError(`webhook body must be one JSON object (a Todoist event), got ${got}`);
  }
  return parsed as Record<string, unknown>;
}

const includes = <T extends string>(list: readonly T[], name: string): name is T => (list as readonly string[]).includes(name);

/**
 * Parses one Todoist webhook body (the raw bytes Todoist signed). Throws TodoistPayloadError
 * for bad JSON or a shape that cannot be applied; unknown events come back as `ignored`.
 */
export function parseWebhookBody(raw: string | Uint8Array): ParsedEvent {
  const body = decode(raw);
  const envelope = parsePart(envelopeSchema, body, '', 'webhook');
  const eventName = envelope.event_name;
  const initiator = collaboratorSchema.safeParse(envelope.initiator);
  const base: EventBase = {
    userId: envelope.user_id,
    triggeredAt: envelope.triggered_at,
    version: envelope.version,
    initiator: initiator.success ? initiator.data : undefined,
    raw: body,
  };
  const data = envelope.event_data;
  if (includes(TASK_EVENTS, eventName)) {
    const task = parsePart(taskSchema, data, 'event_data', eventName);
    const extra = envelope.event_data_extra;
    const old = extra ? taskSchema.safeParse(extra.old_item) : undefined;
    return {
      ...base,
      kind: 'task',
      eventName,
      task,
      updateIntent: extra?.update_intent ?? undefined,
      oldTask: old?.success ? old.data : undefined,
      source: 'webhook',
    };
  }
  if (includes(PROJECT_EVENTS, eventName)) {
    return { ...base, kind: 'project', eventName, project: parsePart(projectSchema, data, 'event_data', eventName) };
  }
  if (includes(NOTE_EVENTS, eventName)) {
    return { ...base, kind: 'note', eventName, note: parsePart(noteSchema, data, 'event_data', eventName) };
  }
  if (includes(SECTION_EVENTS, eventName)) {
    return { ...base, kind: 'section', eventName, section: parsePart(sectionSchema, data, 'event_data', eventName) };
  }
  return { kind: 'ignored', eventName, raw: body };
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
  };
}
