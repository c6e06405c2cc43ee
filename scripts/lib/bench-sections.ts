/** The benchmark's report sections beyond the comparison table: Firestore operations and the backfill. */
import type { BackfillResult } from './bench-backfill.js';
import { EVENT_KINDS, type EventKind, type OpsMeasure } from './bench-ops.js';

const LABELS: Record<EventKind, string> = {
  newTask: 'new task (`item:added`, never seen)',
  warmUpdate: 'warm update of a known task',
  redelivery: 'redelivery (same delivery id) to the instance that applied it',
  redeliveryElsewhere: 'redelivery (same delivery id) to another instance',
  staleEvent: 'stale event (older than applied) on the instance that applied the newer one',
  staleElsewhere: 'stale event on another instance',
  comment: 'comment (`note:added`)',
};

/** Rows: what, reads, writes, deletes, Notion requests, log bytes. */
export function opsRows(ops: OpsMeasure): string[][] {
  const rec = ops.reconcileInStep;
  return [
    ['per event / run', 'reads', 'writes', 'deletes', 'Notion requests', 'log bytes'],
    ...EVENT_KINDS.map((k) => {
      const c = ops.perEvent[k];
      return [LABELS[k], c.reads, c.writes, c.deletes, c.notionRequests, c.logBytes].map(String);
    }),
    [
      `scheduled reconcile, ${rec.tasks.toLocaleString('en-US')} tasks in step (fresh instance, index built: every later hourly run)`,
      ...[rec.reads, rec.writes, rec.deletes, rec.notionRequests, rec.logBytes].map(String),
    ],
    [
      'the same, first hourly run after the backfill (reads every state once, rebuilds the index)',
      ...[rec.firstAfterBackfill.reads, rec.firstAfterBackfill.writes, rec.firstAfterBackfill.deletes].map(
        String,
      ),
      '–',
      '–',
    ],
  ];
}

/** The Firestore operations table in Markdown. */
export function opsMarkdown(ops: OpsMeasure): string {
  const [head = [], ...body] = opsRows(ops);
  return [
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...body.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

/** The Firestore operations table for the terminal. */
export function opsText(ops: OpsMeasure): string {
  const rows = opsRows(ops);
  const widths = (rows[0] ?? []).map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows
    .map(
      (r) =>
        `  ${r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0))).join('  ')}`,
    )
    .join('\n');
}

/** The backfill in a few sentences. */
export function backfillLines(b: BackfillResult): string[] {
  const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
  return [
    `Backfill of ${b.tasks.toLocaleString('en-US')} tasks, time-scaled ×${b.scale} (${b.scaledRps} requests/s): ` +
      `${b.notionRequests.toLocaleString('en-US')} Notion requests (${b.requestsPerTask} per task), held ${b.heldRps} requests/s ` +
      `= ${pct(b.heldShareOfLimit)} of the limit, ${b.rateLimited} answered 429 (${pct(b.rateLimitedShare)}); ` +
      `${b.minutesAtNotionRate} minutes at Notion's 3 requests/s.`,
    `Killed after ${b.untilKilled.creates} page creates (${b.untilKilled.status}); a fresh instance resumed: ` +
      `${b.resumed.creates} creates, ${b.resumed.patches} PATCHes (pages whose create was in flight at the kill), ` +
      `${b.resumed.rewritesOfDoneTasks} rewrites of the ${b.resumed.doneBeforeResume} tasks already done, status ${b.resumed.status}.`,
    `End state: ${b.livePages.toLocaleString('en-US')} live pages, ${b.duplicates} duplicates, ${b.tasksWithoutOnePage} tasks without exactly one page; ` +
      `Firestore per task: ${b.firestoreOpsPerTask.reads} reads, ${b.firestoreOpsPerTask.writes} writes.`,
  ];
}
