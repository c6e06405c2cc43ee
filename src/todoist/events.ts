import type {
  TodoistCollaborator,
  TodoistNote,
  TodoistProject,
  TodoistSection,
  TodoistTask,
} from './schemas.js';
import type { FieldIssue, MappedTaskField } from './tolerant-task.js';

/** The webhook events this product models (the wire names stay `item:*`/`note:*` in API v1). */
export const TASK_EVENTS = [
  'item:added',
  'item:updated',
  'item:deleted',
  'item:completed',
  'item:uncompleted',
] as const;
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

export interface EventBase {
  userId: string | null;
  /** `triggered_at` as sent, null when absent (API snapshots have none). */
  triggeredAt: string | null;
  /** The webhook format version as sent (`"1"`, `"10"`, `"9"` were all seen); null when absent. */
  version: string | null;
  /** Who caused the event (may differ from the user in shared projects). */
  initiator: TodoistCollaborator | undefined;
  /** The whole body as parsed JSON: the source of truth for anything not modelled here. */
  raw: Record<string, unknown>;
  /** Fields left out because their value does not parse; each is logged once as a WARNING. */
  issues?: FieldIssue[] | undefined;
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
  /** Mapped fields the event did not carry (or carried unparsable): the page keeps what it shows for them. */
  absent?: ReadonlySet<MappedTaskField> | undefined;
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
