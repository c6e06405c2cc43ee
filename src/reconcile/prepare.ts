import { AppError } from '../errors.js';
import type { SyncContext } from '../handlers/context.js';
import { readSnapshot, startActiveLists, type TodoistSnapshot } from './snapshot.js';
import {
  type CompletedWindow,
  completedWindow,
  iso,
  type LastRunDoc,
  type LastRunRead,
  MAX_WINDOW_MS,
  readLastRunRecord,
} from './window.js';

/** Which window a run reads: the user's own, or an explicit start (the CLI's `--since`). */
export interface PrepareOptions {
  /** Start of the completed-tasks window (ISO-8601); default: where the last complete run ended. */
  since?: string | undefined;
  /** The Todoist user whose token `ctx.todoist` carries: the completed-tasks window is kept per user. */
  userId?: string | undefined;
}

/** What a run reads from Todoist before it applies anything. */
export interface PreparedRun {
  window: CompletedWindow;
  snapshot: TodoistSnapshot;
  /** The last-run record the window came from: the run's own record is written over it. */
  lastRun: LastRunRead;
}

/**
 * Reads the completed-tasks window of `options.userId` and the Todoist snapshot through `ctx.todoist`
 * (active tasks and projects listed while the window is read: they do not depend on it).
 * `early` is the last-run record read before the lease was won: one found stands (at worst older
 * than the newest, which only widens the window); none found is read again, since a first run
 * writes its record before it frees the lease, and taking the next run for a first one too would
 * leave out the completions of tasks it does not know. Unless `unindexed`, read after the lease
 * was won, found no reconcile index: a run creates a first record only once the index meta is in
 * the store, and no meta is ever removed, so no meta then means no record then either.
 */
export async function prepareRun(
  ctx: SyncContext,
  options: PrepareOptions = {},
  early?: Promise<LastRunRead>,
  unindexed?: Promise<boolean>,
): Promise<PreparedRun> {
  const api = ctx.todoist;
  if (!api)
    throw new ReconcileError(
      'todoist_unconfigured',
      'reconcile needs TODOIST_API_TOKEN or TODOIST_API_TOKENS to read Todoist',
    );
  const lists = startActiveLists(api);
  const seen = await early;
  const proven = seen !== undefined && (seen.record !== undefined || (await unindexed?.catch(() => false)));
  const lastRun = seen && proven ? seen : await readLastRunRecord(ctx.store, options.userId);
  const window = windowFor(options, lastRun.record?.data, ctx.now());
  return { window, snapshot: await readSnapshot(api, window, lists), lastRun };
}

/**
 * A run prepared before its lease (several users' snapshots are all read first) that found no
 * window: a run that held the lease meanwhile may have recorded the user's first one, and taking
 * this run for a first one too would leave out the completions of tasks the sync never saw (and
 * its window write, a create, would be refused). Read again once the lease is won; prepare anew
 * when a window shows.
 */
export async function confirmPrepared(
  ctx: SyncContext,
  options: PrepareOptions,
  prepared: PreparedRun,
): Promise<PreparedRun> {
  if (prepared.lastRun.record) return prepared;
  const read = await readLastRunRecord(ctx.store, options.userId);
  return read.record ? prepareRun(ctx, options, Promise.resolve(read)) : prepared;
}

/** Reconcile cannot run at all (no Todoist token): a configuration problem, not a retry. */
export class ReconcileError extends AppError<'todoist_unconfigured' | 'since_invalid'> {}

export function isReconcileError(value: unknown): value is ReconcileError {
  return value instanceof ReconcileError;
}

function windowFor(options: PrepareOptions, last: LastRunDoc | undefined, now: number): CompletedWindow {
  if (options.since === undefined) return completedWindow(last, now);
  const since = Date.parse(options.since);
  if (!Number.isFinite(since) || since > now)
    throw new ReconcileError(
      'since_invalid',
      `since must be an ISO-8601 time in the past, not ${options.since}`,
    );
  const start = Math.max(since, now - MAX_WINDOW_MS);
  // An explicit window is a request to apply its completions, known tasks or not.
  return {
    ...completedWindow(undefined, now),
    since: iso(start),
    firstRun: false,
    clamped: start > since,
  };
}
