import { AppError, isAppError, isTransient } from '../errors.js';
import type { SyncContext } from '../handlers/context.js';
import { reconcileEachUser, type UserReconcile } from './per-user.js';
import type { ReconcileReport } from './report.js';

/** A scheduled run that should be offered again soon (Pub/Sub redelivers the tick). */
export class ReconcileRetryError extends AppError<'reconcile_incomplete'> {
  constructor(message: string) {
    super('reconcile_incomplete', message, { transient: true });
  }
}

/**
 * One Cloud Scheduler → Pub/Sub tick of `reconcileTodoist`: every configured Todoist user in turn,
 * each with their own token. Returns normally to ack: done, another run holds the lease, or only
 * permanent failures (logged; the next tick tries them again). Throws, after every user had their
 * run, only when retrying soon may help: transient failures, creates held by the runaway brake,
 * or Todoist/Notion/the store unavailable.
 */
export async function handleReconcileTick(ctx: SyncContext): Promise<ReconcileReport | undefined> {
  let runs: UserReconcile[];
  try {
    runs = await reconcileEachUser(ctx);
  } catch (error) {
    return failed(ctx, error);
  }
  let retry: unknown;
  for (const run of runs) {
    try {
      judge(
        run.userId === undefined ? ctx : { ...ctx, logger: ctx.logger.child({ userId: run.userId }) },
        run.report,
      );
    } catch (error) {
      retry ??= error;
    }
  }
  if (retry !== undefined) throw retry;
  // Two-way: Notion edits whose page events were lost are found here, once Todoist's side is in step.
  // The scan brings the Notion-to-Todoist modules: a one-way deployment never loads them.
  if (ctx.config.twoWay.direction === 'two-way')
    await (await import('./notion-scan.js')).scanNotionEdits(ctx);
  return runs.at(-1)?.report;
}

function failed(ctx: SyncContext, error: unknown): undefined {
  if (isTransient(error) || !isAppError(error)) {
    ctx.logger.warn('reconcile failed; Pub/Sub will redeliver the tick', { error });
    throw error;
  }
  // A permanent failure (a bad token, a schema to fix) would fail again at once: ack, say so.
  ctx.logger.error('reconcile failed; the tick is acknowledged and the next one tries again', { error });
  return undefined;
}

/** Throws when one user's run should be offered again soon; logs permanent failures. */
function judge(ctx: SyncContext, report: ReconcileReport): void {
  if (report.status === 'braked')
    throw new ReconcileRetryError(`${report.deferred} page creates deferred by the runaway brake`);
  const transient = report.failures.filter((f) => f.transient);
  if (transient.length > 0)
    throw new ReconcileRetryError(
      `${transient.length} entities failed transiently (first: ${transient[0]?.code})`,
    );
  if (report.failures.length > 0)
    ctx.logger.error('reconcile could not apply some entities; they are retried at the next tick', {
      failures: report.failures.slice(0, 20),
    });
}
