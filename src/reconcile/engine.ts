import type { SyncContext } from '../handlers/context.js';
import { applyRun, type RunInput } from './apply-run.js';
import { tryLease } from './lease.js';
import { planRun } from './plan-run.js';
import { confirmPrepared, type PreparedRun, prepareRun, ReconcileError } from './prepare.js';
import { emptyCounts, notionDelta, type ReconcileReport, type ReconcileStatus } from './report.js';
import { startStoredView } from './stored-view.js';
import { readLastRunRecord, writeLastRun } from './window.js';

export interface ReconcileOptions {
  /** Compute and report what would change; write nothing to Notion or the store. */
  dryRun?: boolean;
  /** Start of the completed-tasks window (ISO-8601); default: where the last complete run ended. */
  since?: string;
  /** A confirmed backfill: true lifts the runaway brake for this run, a number sets its limit per minute. */
  allowCreates?: boolean | number;
  /** Entities applied at once (the Notion limiter still paces requests); default 2 × NOTION_CONCURRENCY. */
  concurrency?: number;
  /** Lease length; renewed every third of it while the run lasts (default 2 min). */
  leaseMs?: number;
  onProgress?: (done: number, total: number) => void;
  /** The Todoist user whose token `ctx.todoist` carries: the completed-tasks window is kept per user. */
  userId?: string | undefined;
  /** The window and snapshot already read for this user (several people: see per-user.ts). */
  prepared?: PreparedRun | undefined;
  /** Task ids the other accounts listed in this round: never gone. */
  alsoPresent?: ReadonlySet<string> | undefined;
}

export const RECONCILE_LEASE = 'reconcile';

/** The databases whose schema every run reads: Projects for their content hash, Todos for the tasks. */
const RUN_SCHEMAS = ['projects', 'todos'] as const;

/**
 * Brings Notion in line with Todoist: lists active tasks, projects and recent completions and
 * applies each through the event machinery (ensure-once, newest wins), so a run with no drift
 * makes no Notion write and a run racing live events neither duplicates nor regresses. One run at
 * a time (a lease in the store); a dry run takes no lease and writes nothing.
 */
export async function reconcile(ctx: SyncContext, options: ReconcileOptions = {}): Promise<ReconcileReport> {
  if (!ctx.todoist)
    throw new ReconcileError(
      'todoist_unconfigured',
      'reconcile needs TODOIST_API_TOKEN or TODOIST_API_TOKENS to read Todoist',
    );
  const dryRun = options.dryRun === true;
  const started = ctx.now();
  const statsBefore = ctx.notion.stats();
  const counts = emptyCounts();
  const base = (status: ReconcileStatus): ReconcileReport => ({
    mode: dryRun ? 'dry-run' : 'apply',
    status,
    tasks: 0,
    completed: 0,
    projects: 0,
    window: null,
    ...counts,
    notion: notionDelta(statsBefore, ctx.notion.stats()),
    durationMs: ctx.now() - started,
    failures: [],
  });

  const leaseMs = options.leaseMs ?? 120_000;
  // Read beside the lease, not after it: the tick's round trips one after another are its latency.
  const early = dryRun || options.prepared ? undefined : readLastRunRecord(ctx.store, options.userId);
  early?.catch(() => undefined); // a busy tick never asks for it
  const taken = dryRun
    ? undefined
    : await tryLease({
        store: ctx.store,
        name: RECONCILE_LEASE,
        owner: ctx.owner,
        ttlMs: leaseMs,
        now: ctx.now,
      });
  const lease = taken?.lease;
  if (taken && !taken.lease) {
    const { holder } = taken;
    ctx.logger.info('another reconcile is running; this one does nothing', { holder: holder?.owner });
    return {
      ...base('busy'),
      ...(holder ? { holder: { owner: holder.owner, leaseUntil: holder.leaseUntil } } : {}),
    };
  }
  // Planning reads these schemas before it touches the first task: start them now, beside the
  // store's and Todoist's answers, rather than after them (shared with the run's own reads).
  for (const db of RUN_SCHEMAS) ctx.properties(db).catch(() => undefined);
  // The stored states (the run's index) need nothing from Todoist: read them beside its answers.
  // No window found most likely means no index either: the states are listed at once.
  const listNow = early?.then((seen) => seen.record === undefined);
  const view = lease ? startStoredView(ctx.store, ctx.logger, { listNow }) : undefined;
  // Freed once, after the index write this run started, whichever way the run ends.
  let released: Promise<void> | undefined;
  const release = () =>
    (released ??= (async () => {
      await view?.indexed;
      await lease?.release();
    })());
  try {
    const { window, snapshot, lastRun } = options.prepared
      ? await confirmPrepared(ctx, options, options.prepared)
      : await prepareRun(ctx, options, early, view?.unindexed);
    if (window.clamped)
      ctx.logger.warn(
        'the last reconcile is older than Todoist lets us look back; older completions are not seen',
        {
          since: window.since,
        },
      );
    const input: RunInput = {
      snapshot,
      window,
      concurrency: options.concurrency ?? 2 * ctx.config.notion.concurrency,
      lease,
      onProgress: options.onProgress,
      alsoPresent: options.alsoPresent,
      stored: view?.todos,
      projects: view?.projects,
    };
    const listed = {
      tasks: snapshot.tasks.length,
      completed: snapshot.completed.length,
      projects: snapshot.projects.length,
      window,
    };
    if (dryRun) {
      const plan = await planRun(ctx, input, counts);
      return {
        ...base(plan.failures.length > 0 ? 'partial' : 'done'),
        ...listed,
        failures: plan.failures,
        changes: plan.changes,
        wouldEnsure: plan.wouldEnsure,
        mappingDrift: plan.mappingDrift,
      };
    }
    const limit =
      options.allowCreates === true ? Number.POSITIVE_INFINITY : options.allowCreates || undefined;
    const runCtx = limit && ctx.brake ? { ...ctx, brake: ctx.brake.withLimit(limit) } : ctx;
    const run = await applyRun(runCtx, input, counts);
    const status: ReconcileStatus = run.interrupted
      ? 'interrupted'
      : run.braked
        ? 'braked'
        : run.failures.length > 0
          ? 'partial'
          : 'done';
    // Only a complete run moves the window: a completion that failed must be seen again.
    if (status === 'done') {
      const record = { completedUntil: window.until, finishedAt: ctx.now() };
      if (lastRun.record) {
        // The lease is freed meanwhile: a run starting before the window moved only reads more
        // completions.
        await Promise.all([writeLastRun(ctx.store, record, options.userId, lastRun), release()]);
      } else if ((await view?.indexed) === true) {
        // A first window is written before the lease is freed (else the next run would take itself
        // for a first run too, and leave out the completions of tasks it does not know), and only
        // once the index meta is in the store: a run finding none skips reading it again (prepare.ts).
        await writeLastRun(ctx.store, record, options.userId, lastRun);
        await release();
      } else
        ctx.logger.warn(
          'the reconcile index could not be written, so this first run records no window; the next run is a first run too',
        );
    }
    const report = { ...base(status), ...listed, failures: run.failures };
    const { failures: _omit, ...summary } = report;
    ctx.logger.info('reconcile finished', {
      ...summary,
      failed: run.failures.length,
      ...(options.userId ? { userId: options.userId } : {}),
    });
    if (run.braked)
      ctx.logger.warn(
        'reconcile deferred page creates under the runaway brake; run again, or confirm a backfill with --allow-creates',
        {
          deferred: counts.deferred,
        },
      );
    return report;
  } finally {
    await release();
  }
}
