import pLimit from 'p-limit';
import { isTodoistApiError, type TodoistApi } from '../todoist/api.js';
import type { TodoistTask } from '../todoist/schemas.js';
import type { TodoistSnapshot } from './snapshot.js';
import type { TodoSummary } from './todo-summary.js';
import { iso, MAX_WINDOW_MS } from './window.js';

/*
 * A page is trashed only for a task confirmed gone, never for absence alone: the task is known
 * here, missing from the active list, `GET /tasks/{id}` answers 404 (not merely "not listed yet"),
 * and it was not completed within the three months Todoist lets us see (a completion found there
 * is applied as one instead). A task shown as done is never a candidate: completed tasks answer
 * 404 forever.
 */

/** A completion stamped by Todoist's clock a little ahead of ours must still count. */
const SKEW_MS = 10 * 60_000;

/** Tasks the store shows live, absent from this snapshot (active and completed): ids to confirm. */
export function goneCandidates(
  todos: ReadonlyMap<string, TodoSummary>,
  snapshot: TodoistSnapshot,
  /** Tasks other accounts listed in this round: alive, whatever this account sees. */
  alsoPresent: ReadonlySet<string> = new Set(),
): string[] {
  const present = new Set([...snapshot.tasks, ...snapshot.completed].map((t) => t.id));
  for (const id of alsoPresent) present.add(id);
  return [...todos.values()]
    .filter((doc) => !doc.deleted && !present.has(doc.key) && !doc.done)
    .map((doc) => doc.key);
}

/** What Todoist says about the candidates: gone for good, or completed before this run's window. */
export interface GoneCheck {
  gone: string[];
  /** Completions older than the window, found while confirming: applied as completions, not trashed. */
  completed: TodoistTask[];
}

/**
 * The candidates Todoist confirms gone: 404 by id and not completed in the last ~3 months, for
 * every account we hold a token of (a task one person does not see may be another's).
 */
export async function confirmGone(
  apis: readonly TodoistApi[],
  candidates: readonly string[],
  nowMs: number,
): Promise<GoneCheck> {
  if (candidates.length === 0 || apis.length === 0) return { gone: [], completed: [] };
  const limit = pLimit(4);
  const seen = async (id: string) => {
    for (const api of apis) if (await api.getTask(id)) return true;
    return false;
  };
  const missing = (
    await Promise.all(candidates.map((id) => limit(async () => ((await seen(id)) ? undefined : id))))
  ).filter((id): id is string => id !== undefined);
  if (missing.length === 0) return { gone: [], completed: [] };
  // Rare, so paid only here: every completion Todoist still answers for, to a little past our clock.
  const wanted = new Set(missing);
  const completed = new Map<string, TodoistTask>();
  const collect = async (api: TodoistApi, until: number) => {
    for await (const task of api.getCompletedTasks({ since: iso(nowMs - MAX_WINDOW_MS), until: iso(until) }))
      if (wanted.has(task.id)) completed.set(task.id, task);
  };
  for (const api of apis) {
    try {
      await collect(api, nowMs + SKEW_MS);
    } catch (error) {
      // Should Todoist refuse an `until` ahead of its clock, ask again up to ours.
      if (!isTodoistApiError(error, 'bad_request')) throw error;
      await collect(api, nowMs);
    }
  }
  return { gone: missing.filter((id) => !completed.has(id)), completed: [...completed.values()] };
}
