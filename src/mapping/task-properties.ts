import { normaliseName } from '../exactly-once/keys.js';
import { textItems } from '../notion/properties.js';
import type { DateInput, PropertyInput } from '../notion/types.js';
import { type DueValue, dueToNotion } from '../todoist/due.js';
import type { UpdateIntent } from '../todoist/payload.js';
import type { TodoistDuration, TodoistTask } from '../todoist/schemas.js';

export type { DueValue } from '../todoist/due.js';

export type PriorityName = 'P1' | 'P2' | 'P3' | 'P4';

/** What a Todo page shows for one task, before relations are resolved to page ids. */
export interface TodoFields {
  name: string;
  todoistId: string;
  done: boolean;
  due: DueValue | null;
  /** The deadline day `YYYY-MM-DD`, apart from the due date. */
  deadline: string | null;
  /** How long the task takes, in minutes (a day counts 1,440). */
  durationMinutes: number | null;
  priority: PriorityName;
  /** Labels other than area labels, in Todoist's order. */
  labels: string[];
  /** Area names from `<prefix>Name` labels: prefix stripped, trimmed, deduplicated by normalised name. */
  areaNames: string[];
  description: string;
  url: string;
  projectId: string | null;
  parentId: string | null;
  sectionId: string | null;
  responsibleUid: string | null;
  /** The Todoist user the task belongs to. */
  ownerUid: string | null;
}

export interface TodoOptions {
  areaLabelPrefix: string;
  /** `event_data_extra.update_intent` of the event carrying the task. */
  updateIntent?: UpdateIntent | undefined;
  /** A timed due with a duration becomes a start–end range (`DUE_AS_RANGE`). */
  dueAsRange?: boolean | undefined;
}

const MINUTES_PER: Record<TodoistDuration['unit'], number> = { minute: 1, day: 1440 };

/** A Todoist duration in minutes, or null without one. */
export function durationMinutes(duration: TodoistDuration | null | undefined): number | null {
  return duration ? duration.amount * MINUTES_PER[duration.unit] : null;
}

const MARKDOWN_LINK = /\[([^\]]*)\]\(([^()\s]+(?:\([^()\s]*\)[^()\s]*)*)\)/g;

/** Todoist titles may hold `[text](url)`; Notion titles are plain, so keep the text (the URL when the text is empty). */
export function plainTitle(content: string): string {
  return content.replace(MARKDOWN_LINK, (_m, label: string, url: string) => label.trim() || url).trim();
}

/** Todoist sends 4 for the most urgent priority, which its apps show as P1. */
export function priorityName(priority: number): PriorityName {
  const p = Math.min(4, Math.max(1, Math.round(priority)));
  return `P${5 - p}` as PriorityName;
}

function splitLabels(labels: readonly string[], prefix: string): { labels: string[]; areaNames: string[] } {
  const plain: string[] = [];
  const areas = new Map<string, string>();
  const lowerPrefix = prefix.toLocaleLowerCase('und');
  for (const label of labels) {
    if (label.toLocaleLowerCase('und').startsWith(lowerPrefix)) {
      const name = label.slice(prefix.length).trim().replace(/\s+/gu, ' ');
      const key = normaliseName(name);
      if (key !== '' && !areas.has(key)) areas.set(key, name);
    } else if (!plain.includes(label)) {
      plain.push(label);
    }
  }
  return { labels: plain, areaNames: [...areas.values()] };
}

/** Maps a Todoist task to the fields of its Todo page (pure). */
export function taskToTodo(task: TodoistTask, opts: TodoOptions): TodoFields {
  const { labels, areaNames } = splitLabels(task.labels, opts.areaLabelPrefix);
  // Completing a recurring task moves its due date forward; the task itself stays open.
  const recurringCompletion = opts.updateIntent === 'item_completed' && task.due?.is_recurring === true;
  const minutes = durationMinutes(task.duration);
  return {
    name: plainTitle(task.content),
    todoistId: task.id,
    done: task.checked && !recurringCompletion,
    due: dueToNotion(task.due, opts.dueAsRange ? minutes : null),
    deadline: task.deadline ? task.deadline.date.trim().slice(0, 10) : null,
    durationMinutes: minutes,
    priority: priorityName(task.priority),
    labels,
    areaNames,
    description: task.description,
    url: task.url || `https://app.todoist.com/app/task/${encodeURIComponent(task.id)}`,
    projectId: task.project_id,
    parentId: task.parent_id,
    sectionId: task.section_id,
    responsibleUid: task.responsible_uid,
    ownerUid: task.user_id,
  };
}

/** Page ids (and the section name) the caller resolved for a task's relations. */
export interface TodoRelations {
  areaPageIds: readonly string[];
  projectPageId?: string | undefined;
  assigneePageId?: string | undefined;
  ownerPageId?: string | undefined;
  parentPageId?: string | undefined;
  sectionName?: string | undefined;
}

const OPTION_LIMIT = 100;

/** Notion select and multi_select option names may not contain commas and are capped at 100 characters. */
export function optionName(name: string): string {
  const text = optionText(name);
  if (text.length <= OPTION_LIMIT) return text;
  // Counted in UTF-16 units as Notion checks `name.length`; a surrogate pair is never split.
  const end = /[\uD800-\uDBFF]/.test(text.charAt(OPTION_LIMIT - 1)) ? OPTION_LIMIT - 1 : OPTION_LIMIT;
  return text.slice(0, end).trimEnd();
}

/** An option name before the length cap: commas and runs of whitespace become one space. */
export function optionText(name: string): string {
  return name.replace(/,/g, ' ').replace(/\s+/gu, ' ').trim();
}

const relation = (ids: readonly string[]) => ({
  relation: [...new Set(ids)].slice(0, 100).map((id) => ({ id })),
});

/**
 * A relation to a Todoist entity: cleared when the task has none, set when the caller resolved
 * the page, and left out when it could not (so an unresolved lookup never erases a manual link).
 */
function optionalRelation(todoistId: string | null, pageId: string | undefined): PropertyInput | undefined {
  if (todoistId === null) return relation([]);
  return pageId === undefined ? undefined : relation([pageId]);
}

/** The Notion property values for a Todo page, only for properties the database has (pure). */
export function todoToProperties(
  fields: TodoFields,
  relations: TodoRelations,
  available: ReadonlySet<string>,
): Record<string, PropertyInput> {
  const labels = [...new Set(fields.labels.map(optionName).filter((n) => n !== ''))];
  const section =
    fields.sectionId === null
      ? { select: null }
      : relations.sectionName
        ? { select: { name: optionName(relations.sectionName) } }
        : undefined;
  const all: Record<string, PropertyInput | undefined> = {
    Name: { title: textItems(fields.name) },
    'Todoist ID': { rich_text: textItems(fields.todoistId) },
    Done: { checkbox: fields.done },
    Due: { date: fields.due ? dueDate(fields.due) : null },
    Deadline: { date: fields.deadline ? { start: fields.deadline } : null },
    Duration: { number: fields.durationMinutes },
    Priority: { select: { name: fields.priority } },
    Labels: { multi_select: labels.map((name) => ({ name })) },
    Description: { rich_text: textItems(fields.description) },
    Area: relation(relations.areaPageIds),
    Project: optionalRelation(fields.projectId, relations.projectPageId),
    Assignee: optionalRelation(fields.responsibleUid, relations.assigneePageId),
    Owner: optionalRelation(fields.ownerUid, relations.ownerPageId),
    Parent: optionalRelation(fields.parentId, relations.parentPageId),
    Section: section,
    'Todoist URL': { url: fields.url },
  };
  const out: Record<string, PropertyInput> = {};
  for (const [name, value] of Object.entries(all))
    if (value !== undefined && available.has(name)) out[name] = value;
  return out;
}

function dueDate(due: DueValue): DateInput {
  const range = due.end ? { start: due.start, end: due.end } : { start: due.start };
  return due.timeZone ? { ...range, time_zone: due.timeZone } : range;
}
