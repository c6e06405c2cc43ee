import * as v from 'valibot';
import type { TodoistApi } from '../todoist/api.js';
import type { ProjectEvent, TaskEvent } from '../todoist/payload.js';
import { snapshotEvent } from '../todoist/payload.js';
import { type TodoistProject, type TodoistTask, taskSchema } from '../todoist/schemas.js';
import { parseTimestampMicros } from '../todoist/timestamp.js';

/** What Todoist holds now, as read by one reconcile. */
export interface TodoistSnapshot {
  tasks: TodoistTask[];
  projects: TodoistProject[];
  /** Tasks completed in the window, recurring completions (still active) left out. */
  completed: TodoistTask[];
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** Active tasks and projects: what a snapshot lists whatever its window. */
export interface ActiveLists {
  tasks: TodoistTask[];
  projects: TodoistProject[];
}

/**
 * Starts listing active tasks and projects (paginated, 429-aware): they need no window, so they
 * run while the window is read. A run that fails before it asks for them must not crash on them.
 */
export function startActiveLists(api: TodoistApi): Promise<ActiveLists> {
  const lists = Promise.all([collect(api.getTasks()), collect(api.getProjects())]).then(
    ([tasks, projects]) => ({ tasks, projects }),
  );
  lists.catch(() => undefined);
  return lists;
}

/** Lists active tasks, projects and the tasks completed in [since, until] (paginated, 429-aware). */
export async function readSnapshot(
  api: TodoistApi,
  window: { since: string; until: string },
  lists: Promise<ActiveLists> = startActiveLists(api),
): Promise<TodoistSnapshot> {
  const [{ tasks, projects }, done] = await Promise.all([lists, collect(api.getCompletedTasks(window))]);
  const active = new Set(tasks.map((t) => t.id));
  const seen = new Set<string>();
  // A recurring task's completion is listed although the task stays open with its next due date.
  const completed = done.filter((t) => !active.has(t.id) && !seen.has(t.id) && seen.add(t.id));
  return { tasks, projects, completed };
}

/** Active tasks in waves, parents before their subtasks, so a child can link a parent page that exists. */
export function parentFirst(tasks: readonly TodoistTask[]): TodoistTask[][] {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const depths = new Map<string, number>();
  const depth = (task: TodoistTask): number => {
    const known = depths.get(task.id);
    if (known !== undefined) return known;
    depths.set(task.id, 0); // a cycle (never sent by Todoist) ends here instead of recursing forever
    const parent = task.parent_id ? byId.get(task.parent_id) : undefined;
    const d = parent ? depth(parent) + 1 : 0;
    depths.set(task.id, d);
    return d;
  };
  const waves: TodoistTask[][] = [];
  for (const task of tasks) {
    const d = depth(task);
    const wave = waves[d] ?? [];
    wave.push(task);
    waves[d] = wave;
  }
  return waves.filter((w) => w.length > 0);
}

/**
 * A completed task as an event. Its version is at least `completed_at`: completing may leave
 * `updated_at` as it was, and a snapshot carries no `triggered_at` to break that tie.
 */
export function completedEvent(task: TodoistTask): TaskEvent {
  const done = task.completed_at ? parseTimestampMicros(task.completed_at) : undefined;
  const updated = task.updated_at ? parseTimestampMicros(task.updated_at) : undefined;
  const later = done !== undefined && (updated === undefined || done > updated);
  return snapshotEvent({ ...task, checked: true, updated_at: later ? task.completed_at : task.updated_at });
}

/** A project read from the API, as the event the project sync applies like a webhook. */
export function projectEvent(project: TodoistProject): ProjectEvent {
  return {
    kind: 'project',
    eventName: project.is_archived ? 'project:archived' : 'project:updated',
    project,
    userId: null,
    triggeredAt: null,
    version: null,
    initiator: undefined,
    raw: project,
  };
}

/** Microsecond ISO-8601, the form Todoist stamps (`…T10:39:38.000000Z`). */
export function todoistStamp(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}.${String((ms % 1000) * 1000).padStart(6, '0')}Z`;
}

/**
 * The deletion of a task confirmed gone from Todoist, as an `item:deleted` stamped now: newer
 * than anything stored, so the same newest-wins path trashes its page and leaves a tombstone.
 */
export function goneEvent(taskId: string, nowMs: number): TaskEvent {
  const task = v.parse(taskSchema, { id: taskId, is_deleted: true, updated_at: todoistStamp(nowMs) });
  return { ...snapshotEvent(task), eventName: 'item:deleted' };
}
