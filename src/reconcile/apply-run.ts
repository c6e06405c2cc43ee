import pLimit from 'p-limit';
import { errorMessage, isAppError } from '../errors.js';
import { isBrakeError } from '../exactly-once/brake.js';
import { docId } from '../exactly-once/keys.js';
import { decide, eventVersion } from '../exactly-once/ordering.js';
import type { SyncContext } from '../handlers/context.js';
import { syncProject } from '../handlers/projects.js';
import { syncTask } from '../handlers/todos.js';
import { everyTodoist } from '../handlers/users.js';
import type { TaskEvent } from '../todoist/payload.js';
import { snapshotEvent } from '../todoist/payload.js';
import { confirmGone, goneCandidates } from './gone.js';
import type { Lease } from './lease.js';
import type { ReconcileCounts, ReconcileFailure } from './report.js';
import { completedEvent, goneEvent, parentFirst, projectEvent, type TodoistSnapshot } from './snapshot.js';
import { type ListedProjects, storedTodos } from './stored-view.js';
import type { TodoSummary } from './todo-summary.js';
import type { CompletedWindow } from './window.js';

export interface RunInput {
  snapshot: TodoistSnapshot;
  window: CompletedWindow;
  concurrency: number;
  lease?: Lease | undefined;
  onProgress?: ((done: number, total: number) => void) | undefined;
  /** Task ids the other accounts' snapshots of this round listed (several people). */
  alsoPresent?: ReadonlySet<string> | undefined;
  /** The stored todo states, when the run started reading them beside its Todoist reads. */
  stored?: Promise<Map<string, TodoSummary>> | undefined;
  /** Every project's entity document, when the run lists every stored state (stored-view.ts). */
  projects?: Promise<ListedProjects | undefined> | undefined;
}

export interface RunResult {
  counts: ReconcileCounts;
  failures: ReconcileFailure[];
  braked: boolean;
  interrupted: boolean;
}

/** Runs `work` over items, `width` at a time. */
export async function each<T>(items: readonly T[], width: number, work: (item: T) => Promise<void>) {
  const limit = pLimit(Math.max(1, width));
  await Promise.all(items.map((item) => limit(() => work(item))));
}

/**
 * Applies a Todoist snapshot through the event machinery: projects, then active tasks parents
 * first, then completions, then trashes for tasks confirmed gone. Each entity is one `syncTask` /
 * `syncProject`, so ensure-once and newest-wins hold against events arriving meanwhile. A task
 * whose snapshot is not newer than a state Notion already shows is counted without a call: the
 * sync would decide the same (stale or duplicate, nothing to write), and a no-drift run then
 * costs its index of the stored states (stored-view.ts) instead of three reads per task.
 */
export async function applyRun(
  ctx: SyncContext,
  input: RunInput,
  counts: ReconcileCounts,
): Promise<RunResult> {
  const { snapshot, window } = input;
  const failures: ReconcileFailure[] = [];
  const result: RunResult = { counts, failures, braked: false, interrupted: false };
  const total = snapshot.projects.length + snapshot.tasks.length + snapshot.completed.length;
  let done = 0;
  const tick = () => input.onProgress?.(++done, total);
  const stopped = () => {
    if (input.lease?.lost()) result.interrupted = true;
    return result.interrupted;
  };
  const fail = (kind: 'todo' | 'project', id: string, error: unknown) => {
    counts.failed += 1;
    const code = isAppError(error) ? error.code : 'unexpected';
    failures.push({
      kind,
      id,
      code,
      message: errorMessage(error),
      transient: !isAppError(error) || error.transient,
    });
    ctx.logger.warn('reconcile could not apply an entity; the next run retries it', { kind, id, error });
  };

  // A listing of every state (a first run, the daily one) spares each project its read; a failed
  // one is heard through the todos, and the projects are read one by one meanwhile.
  const listed = await input.projects?.catch(() => undefined);
  await each(snapshot.projects, input.concurrency, async (project) => {
    if (stopped()) return;
    try {
      const known = listed ? (listed.get(docId('project', project.id)) ?? null) : undefined;
      if (result.braked && !(await ctx.ensure.peek('project', project.id))) counts.deferred += 1;
      else if ((await syncProject(ctx, projectEvent(project), { known })) === 'applied')
        counts.projectsApplied += 1;
    } catch (error) {
      if (isBrakeError(error)) {
        result.braked = true;
        counts.deferred += 1;
      } else fail('project', project.id, error);
    }
    tick();
  });

  const stored = await (input.stored ?? storedTodos(ctx.store, ctx.logger));
  const applyTask = async (event: TaskEvent, opts: { createUnknown?: boolean; progress?: boolean } = {}) => {
    if (stopped()) return;
    const id = event.task.id;
    const isDelete = event.eventName === 'item:deleted';
    try {
      const before = stored.get(id);
      const known = before?.known === true;
      // What syncTask would decide without a write: not newer than a state Notion already shows.
      const settled = before?.shown ? decide(before, { version: eventVersion(event), isDelete }) : 'apply';
      if (settled === 'stale') counts.stale += 1;
      else if (settled === 'duplicate') counts.unchanged += 1;
      else if (!known && opts.createUnknown === false) counts.skipped += 1;
      else if (!known && !isDelete && result.braked) counts.deferred += 1;
      else {
        const outcome = await syncTask(ctx, event);
        if (outcome === 'applied') {
          if (isDelete) counts.trashed += 1;
          else if (known) counts.updated += 1;
          else counts.created += 1;
        } else counts[outcome === 'duplicate' ? 'unchanged' : outcome] += 1;
      }
    } catch (error) {
      if (isBrakeError(error)) {
        result.braked = true;
        counts.deferred += 1;
      } else fail('todo', id, error);
    }
    if (opts.progress !== false) tick();
  };

  for (const wave of parentFirst(snapshot.tasks))
    await each(wave, input.concurrency, (task) => applyTask(snapshotEvent(task)));
  // On a first run completions only update pages already known: history is not backfilled.
  await each(snapshot.completed, input.concurrency, (task) =>
    applyTask(completedEvent(task), { createUnknown: !window.firstRun }),
  );
  if (stopped() || !ctx.todoist) return result;

  const check = await confirmGone(
    everyTodoist(ctx),
    goneCandidates(stored, snapshot, input.alsoPresent),
    ctx.now(),
  );
  await each(check.completed, input.concurrency, (task) =>
    applyTask(completedEvent(task), { progress: false }),
  );
  if (check.gone.length > 0)
    ctx.logger.notice('reconcile trashes tasks confirmed gone from Todoist', { taskIds: check.gone });
  await each(check.gone, input.concurrency, (id) => applyTask(goneEvent(id, ctx.now()), { progress: false }));
  return result;
}
