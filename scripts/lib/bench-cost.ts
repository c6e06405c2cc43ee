/**
 * Turns the benchmark's measurements into monthly bills (cost-model.ts) for 100, 1,000 and 10,000
 * Todoist events a day with the deployed sizes and reconcile schedule, and prints them as a table.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { FULL_LISTING_EVERY_MS, OVERLAP_MS } from '../../src/reconcile/stored-view.js';
import type { ColdFunction, ColdStart } from './bench-cold.js';
import type { OpsMeasure } from './bench-ops.js';
import {
  ASSUMPTIONS,
  type CostInputs,
  type FunctionName,
  type MonthlyBill,
  monthlyBill,
} from './cost-model.js';
import { deployedSizes, reconcileRunsPerDay } from './deployed-sizes.js';
import { PRICES } from './gcp-prices.js';
import { round } from './stats.js';

export const EVENTS_PER_DAY = [100, 1_000, 10_000] as const;

/**
 * Deliveries per Todoist event by kind: a person adds one task for every three or four edits and
 * comments now and then; 5 % of events are overtaken by a newer edit (stale) and 5 % come twice.
 */
export const EVENT_MIX = { newTask: 0.2, warmUpdate: 0.65, comment: 0.1, staleEvent: 0.05, redelivery: 0.05 };

/** Tasks in the account (what reconcile lists and the store keeps): at least 1,000, else one per daily event. */
const accountTasks = (eventsPerDay: number) => Math.max(1_000, eventsPerDay);
/** Used when the cold start was not measured (--no-cold-start). */
const UNMEASURED_COLD_MS = 1_500;
const LEDGER_TTL_DAYS = 14;

export interface CostReport {
  pricesAsOf: string;
  mix: typeof EVENT_MIX;
  assumptions: typeof ASSUMPTIONS;
  /** Runs a day of the deployed reconcile schedule. */
  reconcileRunsPerDay: number;
  rows: Array<MonthlyBill & { accountTasks: number }>;
  /** The same 1,000 events a day with an hourly reconcile: what the schedule alone changes. */
  hourlyReconcileAt1000: MonthlyBill;
  /** The same 1,000 events a day with a reconcile every 15 minutes (the schedule before hourly). */
  quarterHourlyReconcileAt1000: MonthlyBill;
}

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The bills for EVENTS_PER_DAY from the measured work, sizes from cloudbuild.yaml, schedule from deploy/env.sh. */
export function costReport(ops: OpsMeasure, cold: ColdStart | null): CostReport {
  const sizes = deployedSizes(readFileSync(`${ROOT}cloudbuild.yaml`, 'utf8'));
  const runsPerDay = reconcileRunsPerDay(readFileSync(`${ROOT}deploy/env.sh`, 'utf8'));
  const size = (fn: FunctionName) => {
    const s = sizes[fn];
    if (!s) throw new Error(`cloudbuild.yaml has no deploy step for ${fn}`);
    return s;
  };
  const coldMs = (fn: ColdFunction) => cold?.[fn] ?? UNMEASURED_COLD_MS;
  // A delivery that wrote the ledger left an entry there for the TTL policy to delete (measured:
  // Todoist events no longer write it, so this line counts only what two-way would add).
  const perEvent = Object.fromEntries(
    Object.entries(ops.perEvent).map(([kind, w]) => [
      kind,
      { ...w, ledgerEntries: (w.byCollection['ledger']?.writes ?? 0) > 0 ? 1 : 0 },
    ]),
  );
  const bill = (eventsPerDay: number, runsPerDay: number) => {
    const tasks = accountTasks(eventsPerDay);
    // The in-step reconcile was measured on 1,000 tasks; its index chunks and Todoist pages grow with the account.
    const grow = tasks / ops.reconcileInStep.tasks;
    const rec = ops.reconcileInStep;
    // A run also reads the states written since the last one, overlap included: at most one per
    // event in that window (an upper bound: redeliveries, stale events and repeats write nothing new).
    const sinceLast = (eventsPerDay / runsPerDay) * (1 + (OVERLAP_MS * runsPerDay) / 86_400_000);
    // And one run a day lists every stored state (about one read per task), spread over the runs.
    const dailyListing = (tasks * (86_400_000 / FULL_LISTING_EVERY_MS)) / runsPerDay;
    const inputs: CostInputs = {
      eventsPerDay,
      mix: EVENT_MIX,
      perEvent,
      webhook: ops.webhook,
      reconcile: {
        ...rec,
        reads: rec.reads * grow + sinceLast + dailyListing,
        localMs: rec.localMs * grow,
        todoistRequests: Math.ceil(rec.todoistRequests * grow),
        ledgerEntries: 0,
        runsPerDay,
      },
      sizes: {
        todoistWebhook: size('todoistWebhook'),
        syncTodoistEvent: size('syncTodoistEvent'),
        reconcileTodoist: size('reconcileTodoist'),
      },
      coldStartMs: {
        todoistWebhook: coldMs('todoistWebhook'),
        syncTodoistEvent: coldMs('syncTodoistEvent'),
        reconcileTodoist: coldMs('reconcileTodoist'),
      },
      storage: { tasks, docBytes: ops.docBytes, ledgerTtlDays: LEDGER_TTL_DAYS },
      assumptions: ASSUMPTIONS,
      prices: PRICES,
    };
    return { ...monthlyBill(inputs), accountTasks: tasks };
  };
  return {
    pricesAsOf: PRICES.asOf,
    mix: EVENT_MIX,
    assumptions: ASSUMPTIONS,
    reconcileRunsPerDay: runsPerDay,
    rows: EVENTS_PER_DAY.map((n) => bill(n, runsPerDay)),
    hourlyReconcileAt1000: bill(1_000, 24),
    quarterHourlyReconcileAt1000: bill(1_000, 96),
  };
}

const usd = (n: number) => (n === 0 ? '0' : n < 0.01 ? '<0.01' : n.toFixed(2));

function usage(n: number, unit: string): string {
  if (unit === 'jobs' && n === 1) return '1 job';
  if (unit === 'GiB') return `${n < 0.01 ? n.toExponential(1) : round(n, 2)} GiB`;
  return `${Math.round(n).toLocaleString('en-US')} ${unit}`;
}

/** Rows: one line per bill item, one column per daily volume (usage, then USD beyond the free tier). */
export function costRows(report: CostReport): string[][] {
  const head = [
    'line (free tier)',
    ...report.rows.map((r) => `${r.eventsPerDay.toLocaleString('en-US')}/day`),
  ];
  const first = report.rows[0];
  if (!first) return [head];
  const body = first.lines.map((l, i) => [
    `${l.line} (${l.free === null ? 'none' : usage(l.free, l.unit)})`,
    ...report.rows.map((r) => {
      const line = r.lines[i];
      return line ? `${usage(line.usage, line.unit)}: $${usd(line.usd)}` : '';
    }),
  ]);
  const total = ['total per month (USD)', ...report.rows.map((r) => `$${usd(r.totalUsd)}`)];
  const dominant = ['dominant line', ...report.rows.map((r) => r.dominant)];
  return [head, ...body, total, dominant];
}

/** What the bill assumes beyond what was measured. */
export function assumptionNote(report: CostReport): string {
  const a = report.assumptions;
  const mix = Object.entries(report.mix)
    .map(([kind, share]) => `${kind} ${Math.round(share * 100)} %`)
    .join(', ');
  return (
    `Measured per event: Firestore operations, Notion requests, log bytes and local handler time. Assumed: ` +
    `${a.notionMs} ms per Notion request, ${a.firestoreMs} ms per Firestore call, ${a.todoistMs} ms per Todoist request, ` +
    `${a.publishMs} ms per publish, ${a.platformLogBytes} bytes of Cloud Run request log per invocation, stored size ` +
    `×${a.indexOverhead} for indexes, one cold start per function per ${a.idleWindowMinutes} idle minutes; deliveries per event: ${mix}; ` +
    `an account of max(1,000, events a day) tasks; each reconcile run reads one stored state per event since the ` +
    `last run plus ${OVERLAP_MS / 60_000} minutes (the index's overlap), and one run every ` +
    `${FULL_LISTING_EVERY_MS / 3_600_000} hours lists every stored state; a 30-day month.`
  );
}

/** One sentence on what an hourly reconcile would change. */
export function scheduleNote(report: CostReport): string {
  const hourly = report.reconcileRunsPerDay === 24;
  const h = hourly ? report.quarterHourlyReconcileAt1000 : report.hourlyReconcileAt1000;
  return (
    `Reconcile runs ${report.reconcileRunsPerDay} times a day (deploy/env.sh); every ${hourly ? '15 minutes' : 'hour'} ` +
    `1,000 events a day would cost $${usd(h.totalUsd)} a month (${h.dominant}).`
  );
}

/** The Markdown table (README and bench/results/latest.md). */
export function costMarkdown(report: CostReport): string {
  const [head = [], ...body] = costRows(report);
  return [
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...body.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

/** The plain-text table for the terminal. */
export function costText(report: CostReport): string {
  const rows = costRows(report);
  const widths = (rows[0] ?? []).map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows.map((r) => `  ${r.map((cell, c) => cell.padEnd(widths[c] ?? 0)).join('  ')}`).join('\n');
}
