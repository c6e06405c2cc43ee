import { errorMessage, isAppError } from '../errors.js';
import { readEntity } from '../exactly-once/entity-state.js';
import type { SyncContext } from '../handlers/context.js';
import { everyTodoist } from '../handlers/users.js';
import { snapshotEvent } from '../todoist/payload.js';
import { each, type RunInput } from './apply-run.js';
import { confirmGone, goneCandidates } from './gone.js';
import { type PlannedChange, planProject, planTask } from './plan.js';
import { readOnlyContext, type WouldEnsure } from './read-only.js';
import type { ReconcileCounts, ReconcileFailure } from './report.js';
import { completedEvent, projectEvent } from './snapshot.js';
import { listedTodos } from './stored-view.js';

export interface PlanResult {
  counts: ReconcileCounts;
  failures: ReconcileFailure[];
  changes: PlannedChange[];
  wouldEnsure: WouldEnsure[];
  mappingDrift: number;
}

const COUNTED = {
  create: 'created',
  update: 'updated',
  trash: 'trashed',
  unchanged: 'unchanged',
  stale: 'stale',
  filtered: 'filtered',
  skipped: 'skipped',
} as const;

/** What a reconcile of this snapshot would change, computed without writing to Notion or the store. */
export async function planRun(
  ctx: SyncContext,
  input: RunInput,
  counts: ReconcileCounts,
): Promise<PlanResult> {
  const wouldEnsure = new Map<string, WouldEnsure>();
  const rctx = readOnlyContext(ctx, (item) => {
    // Parents are todos handled in their own right; only areas and projects are extra pages.
    if (item.kind !== 'todo') wouldEnsure.set(`${item.kind}\u0000${item.key}`, item);
  });
  const result: PlanResult = { counts, failures: [], changes: [], wouldEnsure: [], mappingDrift: 0 };
  const { snapshot, window } = input;
  const total = snapshot.projects.length + snapshot.tasks.length + snapshot.completed.length;
  let done = 0;
  const record = (planned: PlannedChange & { mappingDrift?: boolean }, progress = true) => {
    const { mappingDrift, ...change } = planned;
    if (mappingDrift) result.mappingDrift += 1;
    if (change.kind === 'project') {
      if (change.action !== 'unchanged' && change.action !== 'stale') counts.projectsApplied += 1;
    } else counts[COUNTED[change.action]] += 1;
    if (change.action !== 'unchanged') result.changes.push(change);
    if (progress) input.onProgress?.(++done, total);
  };
  const attempt = async (kind: 'todo' | 'project', id: string, work: () => Promise<void>) => {
    try {
      await work();
    } catch (error) {
      counts.failed += 1;
      result.failures.push({
        kind,
        id,
        code: isAppError(error) ? error.code : 'unexpected',
        message: errorMessage(error),
        transient: !isAppError(error) || error.transient,
      });
    }
  };

  await each(snapshot.projects, input.concurrency, (project) =>
    attempt('project', project.id, async () => record(await planProject(rctx, projectEvent(project)))),
  );
  await each(snapshot.tasks, input.concurrency, (task) =>
    attempt('todo', task.id, async () => {
      record(await planTask(rctx, snapshotEvent(task)));
    }),
  );
  await each(snapshot.completed, input.concurrency, (task) =>
    attempt('todo', task.id, async () => {
      const before = await readEntity(rctx.store, 'todo', task.id);
      if (window.firstRun && before?.data.appliedHash == null) {
        record({
          kind: 'todo',
          id: task.id,
          name: task.content,
          action: 'skipped',
          reason: 'completed before the first run',
        });
        return;
      }
      record(await planTask(rctx, completedEvent(task)));
    }),
  );
  if (ctx.todoist) {
    const check = await confirmGone(
      everyTodoist(ctx),
      goneCandidates(await listedTodos(ctx.store), snapshot, input.alsoPresent),
      ctx.now(),
    );
    for (const task of check.completed) record(await planTask(rctx, completedEvent(task)), false);
    for (const id of check.gone) {
      const name = storedName((await readEntity(ctx.store, 'todo', id))?.data.desired);
      record({ kind: 'todo', id, name, action: 'trash', reason: 'gone from Todoist' }, false);
    }
  }
  result.wouldEnsure = [...wouldEnsure.values()];
  return result;
}

/** The title a stored desired state shows, for the plan's listing. */
function storedName(desired: string | null | undefined): string {
  try {
    const parsed = JSON.parse(desired ?? '{}') as {
      Name?: { title?: Array<{ text?: { content?: string } }> };
    };
    return (parsed.Name?.title ?? []).map((t) => t.text?.content ?? '').join('');
  } catch {
    return '';
  }
}
