import type { PlannedChange } from './plan.js';
import type { WouldEnsure } from './read-only.js';
import type { CompletedWindow } from './window.js';

/**
 * How a reconcile ended. `done`: everything listed was applied (the completed-tasks window moves
 * on); `busy`: another reconcile holds the lease, nothing was done; `braked`: the runaway brake
 * deferred some creates; `partial`: some tasks failed; `interrupted`: the lease was taken over.
 */
export type ReconcileStatus = 'done' | 'busy' | 'braked' | 'partial' | 'interrupted';

export interface ReconcileFailure {
  kind: 'todo' | 'project';
  id: string;
  code: string;
  message: string;
  /** Retrying later may succeed (a scheduled run asks Pub/Sub to redeliver its tick). */
  transient: boolean;
}

/** Counts of one run; in a dry run they say what would happen. */
export interface ReconcileCounts {
  /** Todo pages created (or adopted: an existing page with the Todoist ID the store did not know). */
  created: number;
  /** Todo pages written because the task changed (completions included). */
  updated: number;
  /** Todo pages trashed for tasks confirmed gone from Todoist. */
  trashed: number;
  unchanged: number;
  /** Snapshots older than what events already applied. */
  stale: number;
  filtered: number;
  /** Completed tasks unknown here on a first run: history is not backfilled. */
  skipped: number;
  /** Creates held back by the runaway brake; the next run makes them. */
  deferred: number;
  failed: number;
  /** Project pages written (created, renamed, trashed when archived). */
  projectsApplied: number;
}

export interface ReconcileReport extends ReconcileCounts {
  mode: 'apply' | 'dry-run';
  status: ReconcileStatus;
  /** Active tasks, completed tasks in the window, and projects listed from Todoist. */
  tasks: number;
  completed: number;
  projects: number;
  window: CompletedWindow | null;
  /** Notion requests this process sent during the run; `writes` counts POST/PATCH of pages. */
  notion: { requests: number; writes: number; byRoute: Record<string, number> };
  durationMs: number;
  failures: ReconcileFailure[];
  /** Dry run: every entity that would change (unchanged ones left out). */
  changes?: PlannedChange[];
  /** Dry run: Areas and Projects that would be created or adopted to link tasks. */
  wouldEnsure?: WouldEnsure[];
  /** Dry run: tasks whose mapping differs although Todoist did not change them (not rewritten). */
  mappingDrift?: number;
  /** Busy: who holds the lease, until when (ms since epoch). */
  holder?: { owner: string; leaseUntil: number };
}

export function emptyCounts(): ReconcileCounts {
  return {
    created: 0,
    updated: 0,
    trashed: 0,
    unchanged: 0,
    stale: 0,
    filtered: 0,
    skipped: 0,
    deferred: 0,
    failed: 0,
    projectsApplied: 0,
  };
}

const WRITE_ROUTES = ['POST /v1/pages', 'PATCH /v1/pages/:id'];

/** Requests sent between two `stats()` readings of the Notion client. */
export function notionDelta(
  before: { total: number; byRoute: Record<string, number> },
  after: { total: number; byRoute: Record<string, number> },
): ReconcileReport['notion'] {
  const byRoute: Record<string, number> = {};
  for (const [route, n] of Object.entries(after.byRoute)) {
    const d = n - (before.byRoute[route] ?? 0);
    if (d > 0) byRoute[route] = d;
  }
  const writes = WRITE_ROUTES.reduce((sum, r) => sum + (byRoute[r] ?? 0), 0);
  return { requests: after.total - before.total, writes, byRoute };
}

/** A human summary of a report, several lines, ending with a newline. */
export function reportText(report: ReconcileReport): string {
  if (report.status === 'busy') {
    const until = report.holder ? new Date(report.holder.leaseUntil).toISOString() : 'unknown';
    return `Another reconcile is running (${report.holder?.owner ?? 'unknown owner'}, lease until ${until}); nothing done.\n`;
  }
  const dry = report.mode === 'dry-run';
  const verb = (done: string, would: string) => (dry ? would : done);
  const lines = [
    `${dry ? 'Dry run' : 'Reconcile'} ${report.status}: ${report.tasks} active tasks, ${report.completed} completed since ${report.window?.since ?? '?'}, ${report.projects} projects (${report.durationMs} ms).`,
    `  ${report.created} ${verb('created', 'to create')}, ${report.updated} ${verb('updated', 'to update')}, ${report.trashed} ${verb('trashed', 'to trash')}, ${report.unchanged} unchanged, ${report.stale} stale, ${report.filtered} filtered, ${report.skipped} skipped`,
    `  projects ${verb('written', 'to write')}: ${report.projectsApplied}; Notion requests: ${report.notion.requests} (writes ${report.notion.writes})`,
  ];
  if (report.deferred > 0)
    lines.push(
      `  ${report.deferred} creates deferred by the runaway brake: run again later, or confirm the backfill with --allow-creates`,
    );
  for (const f of report.failures.slice(0, 20))
    lines.push(`  failed ${f.kind} ${f.id}: ${f.code}: ${f.message}`);
  if (report.failures.length > 20) lines.push(`  … and ${report.failures.length - 20} more failures`);
  for (const c of report.changes ?? [])
    lines.push(
      `  ${c.action.padEnd(7)} ${c.kind} ${c.id} ${JSON.stringify(c.name)}${c.reason ? ` (${c.reason})` : ''}`,
    );
  for (const w of report.wouldEnsure ?? []) lines.push(`  ensure  ${w.kind} ${JSON.stringify(w.key)}`);
  if (report.mappingDrift)
    lines.push(
      `  ${report.mappingDrift} tasks would show other properties under the current mapping, but Todoist did not change them, so they are left as they are`,
    );
  if (dry) lines.push('Dry run: nothing was written to Notion or the state store.');
  return `${lines.join('\n')}\n`;
}
