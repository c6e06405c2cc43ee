import type { SyncContext } from '../handlers/context.js';
import { asUser, reconcileUsers } from '../handlers/users.js';
import { type ReconcileOptions, reconcile } from './engine.js';
import { type PreparedRun, prepareRun } from './prepare.js';
import type { ReconcileReport } from './report.js';

/** One Todoist user's reconcile (undefined: the default token, when no user has a token of their own). */
export interface UserReconcile {
  userId: string | undefined;
  report: ReconcileReport;
}

/**
 * Reconciles each configured Todoist user in turn with that user's token: the same engine, the
 * same per-task claims and ordering, so a shared project's task listed by two people stays one
 * page and the second listing writes nothing. Every snapshot is read first: a task missing from
 * one person's list but listed by another's is alive (only the union decides what is gone, and
 * at no extra Todoist call). One run after another, so one lease suffices.
 */
export async function reconcileEachUser(
  ctx: SyncContext,
  options: ReconcileOptions = {},
): Promise<UserReconcile[]> {
  const users = reconcileUsers(ctx);
  const [only] = users;
  if (users.length === 1)
    return [{ userId: only, report: await reconcile(asUser(ctx, only), { ...options, userId: only }) }];
  const prepared: Array<{ userId: string | undefined; run: PreparedRun }> = [];
  for (const userId of users)
    prepared.push({ userId, run: await prepareRun(asUser(ctx, userId), { ...options, userId }) });
  const listed = (run: PreparedRun) => [...run.snapshot.tasks, ...run.snapshot.completed].map((t) => t.id);
  const runs: UserReconcile[] = [];
  for (const { userId, run } of prepared) {
    const others = new Set(prepared.filter((p) => p.userId !== userId).flatMap((p) => listed(p.run)));
    const userCtx = { ...asUser(ctx, userId), logger: ctx.logger.child({ userId }) };
    const report = await reconcile(userCtx, { ...options, userId, prepared: run, alsoPresent: others });
    runs.push({ userId, report });
  }
  return runs;
}
