/** The benchmark's result object (the `--json` output and bench/results/latest.json) and its tables. */
import { cpus, totalmem } from 'node:os';
import type { BackfillResult } from './bench-backfill.js';
import type { ColdStart } from './bench-cold.js';
import type { CostReport } from './bench-cost.js';
import type { EventKind, OpsMeasure } from './bench-ops.js';
import type { ArmMeasure, BenchSettings } from './bench-run.js';
import { BENCH_SHAPE, REDELIVERY_SHARE } from './bench-workload.js';
import { coldRows } from './cold-report.js';
import type { OpCounts } from './counting-store.js';
import { round } from './stats.js';

/** The figures compared side by side. */
export interface Figures {
  reqPerEvent: number;
  eventsPerSecond: number;
  p50Ms: number;
  p95Ms: number;
  peakRssMb: number;
  duplicates: number;
}

export interface BenchResult extends Figures {
  baseline: Figures & { duplicatesByKind: Record<string, number>; wrongStates: number };
  duplicatesByKind: Record<string, number>;
  wrongStates: number;
  scale: number;
  /**
   * Events/s at Notion's real rate: what its requests/s allow at the measured requests per event,
   * capped by what the run achieved (work that does not shrink with the scale, e.g. Firestore).
   */
  unscaled: { eventsPerSecond: number; baselineEventsPerSecond: number };
  workload: {
    events: number;
    deliveries: number;
    tasks: number;
    areas: number;
    redeliveryShare: number;
    /** Events first delivered after a newer event of their task. */
    outOfOrder: number;
  };
  setup: {
    notionRps: number;
    indexLagMs: number;
    scaledRps: number;
    scaledLagMs: number;
    concurrency: number;
  };
  store: string;
  /** Median cold start to the first handled request per function, beside the bare function's. */
  coldStartMs: ColdStart | null;
  /** Firestore operations per event of each kind (warm instance), counted at the store interface. */
  firestoreOpsPerEvent: Record<EventKind, OpCounts>;
  /**
   * Firestore operations of one scheduled reconcile (fresh instance) over an account already in
   * step with its reconcile index built; `firstAfterBackfill`: the run that rebuilds the index.
   */
  firestoreOpsPerReconcileRun: OpCounts & {
    tasks: number;
    notionRequests: number;
    firstAfterBackfill: OpCounts;
  };
  /** The monthly bill at list prices for 100, 1,000 and 10,000 events a day. */
  monthlyCostUsd: CostReport;
  /** The interrupted and resumed backfill, or null when skipped (--backfill 0). */
  backfill: BackfillResult | null;
  details: { ours: ArmMeasure; baseline: ArmMeasure; ops: OpsMeasure };
  machine: string;
  measuredAt: string;
  node: string;
}

const ops = (c: OpCounts): OpCounts => ({ reads: c.reads, writes: c.writes, deletes: c.deletes });

/** The machine the figures were measured on (they are only comparable on the same one). */
export function machine(): string {
  const cpu = cpus();
  return `${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, ${process.platform}`;
}

function figures(m: ArmMeasure): Figures {
  return {
    reqPerEvent: m.reqPerEvent,
    eventsPerSecond: m.eventsPerSecond,
    p50Ms: m.p50Ms,
    p95Ms: m.p95Ms,
    peakRssMb: m.peakRssMb,
    duplicates: m.workspace.duplicates,
  };
}

function atRealRate(m: ArmMeasure, notionRps: number): number {
  return round(Math.min(notionRps / m.reqPerEvent, m.eventsPerSecond));
}

function byKind(m: ArmMeasure): Record<string, number> {
  const w = m.workspace;
  return { areas: w.duplicateAreas, projects: w.duplicateProjects, todos: w.duplicateTodos };
}

/** Assembles the result object. */
export function benchResult(input: {
  ours: ArmMeasure;
  baseline: ArmMeasure;
  settings: BenchSettings;
  storeLabel: string;
  cold: ColdStart | null;
  outOfOrder: number;
  ops: OpsMeasure;
  cost: CostReport;
  backfill: BackfillResult | null;
}): BenchResult {
  const { ours, baseline, settings } = input;
  const perEvent = input.ops.perEvent;
  const rec = input.ops.reconcileInStep;
  return {
    ...figures(ours),
    duplicatesByKind: byKind(ours),
    wrongStates: ours.wrongStates,
    baseline: { ...figures(baseline), duplicatesByKind: byKind(baseline), wrongStates: baseline.wrongStates },
    scale: settings.scale,
    unscaled: {
      eventsPerSecond: atRealRate(ours, settings.notionRps),
      baselineEventsPerSecond: atRealRate(baseline, settings.notionRps),
    },
    workload: {
      events: ours.events,
      deliveries: ours.deliveries,
      tasks: BENCH_SHAPE.tasks,
      areas: BENCH_SHAPE.areas,
      redeliveryShare: REDELIVERY_SHARE,
      outOfOrder: input.outOfOrder,
    },
    setup: {
      notionRps: settings.notionRps,
      indexLagMs: settings.lagMs,
      scaledRps: settings.notionRps * settings.scale,
      scaledLagMs: Math.round(settings.lagMs / settings.scale),
      concurrency: settings.concurrency,
    },
    store: input.storeLabel,
    coldStartMs: input.cold,
    firestoreOpsPerEvent: {
      newTask: ops(perEvent.newTask),
      warmUpdate: ops(perEvent.warmUpdate),
      redelivery: ops(perEvent.redelivery),
      redeliveryElsewhere: ops(perEvent.redeliveryElsewhere),
      staleEvent: ops(perEvent.staleEvent),
      staleElsewhere: ops(perEvent.staleElsewhere),
      comment: ops(perEvent.comment),
    },
    firestoreOpsPerReconcileRun: {
      ...ops(rec),
      tasks: rec.tasks,
      notionRequests: rec.notionRequests,
      firstAfterBackfill: rec.firstAfterBackfill,
    },
    monthlyCostUsd: input.cost,
    backfill: input.backfill,
    details: { ours, baseline, ops: input.ops },
    machine: machine(),
    measuredAt: new Date().toISOString(),
    node: process.version,
  };
}

const kinds = (k: Record<string, number>) =>
  Object.entries(k)
    .filter(([, n]) => n > 0)
    .map(([kind, n]) => `${kind} ${n}`)
    .join(', ');

/** Rows of the comparison: label, ours, baseline. */
export function rows(r: BenchResult): Array<[string, string, string]> {
  const b = r.baseline;
  const dup = (n: number, k: Record<string, number>) => (n === 0 ? '0' : `${n} (${kinds(k)})`);
  const out: Array<[string, string, string]> = [
    ['Notion requests per event', r.reqPerEvent.toFixed(2), b.reqPerEvent.toFixed(2)],
    [
      `events/s at ${r.setup.scaledRps} req/s (scale ${r.scale})`,
      r.eventsPerSecond.toFixed(1),
      b.eventsPerSecond.toFixed(1),
    ],
    [
      `≙ events/s at Notion's ${r.setup.notionRps} req/s`,
      r.unscaled.eventsPerSecond.toFixed(2),
      r.unscaled.baselineEventsPerSecond.toFixed(2),
    ],
    [
      'latency p50 / p95 (scaled ms)',
      `${r.p50Ms.toFixed(0)} / ${r.p95Ms.toFixed(0)}`,
      `${b.p50Ms.toFixed(0)} / ${b.p95Ms.toFixed(0)}`,
    ],
    ['peak RSS (MB)', r.peakRssMb.toFixed(0), b.peakRssMb.toFixed(0)],
    ['duplicates', dup(r.duplicates, r.duplicatesByKind), dup(b.duplicates, b.duplicatesByKind)],
    ['tasks not in their final state', String(r.wrongStates), String(b.wrongStates)],
  ];
  out.push(...coldRows(r.coldStartMs));
  return out;
}

/** One paragraph saying what was measured and how. */
export function setupLine(r: BenchResult): string {
  return (
    `${r.workload.events} events over ${r.workload.tasks} tasks and ${r.workload.areas} Areas, ` +
    `${r.workload.deliveries} deliveries (${Math.round(r.workload.redeliveryShare * 100)}% redelivered; ` +
    `${r.workload.outOfOrder} events overtaken by a newer edit of their task), ` +
    `${r.setup.concurrency} in flight; Notion sandbox at ${r.setup.notionRps} requests/s and ${r.setup.indexLagMs / 1000} s index lag, ` +
    `time-scaled ×${r.scale} (${r.setup.scaledRps} requests/s, ${r.setup.scaledLagMs} ms); state store: ${r.store}.`
  );
}

/** The plain-text table for the terminal. */
export function textTable(r: BenchResult): string {
  const all: Array<[string, string, string]> = [['', 'ours', 'naive baseline'], ...rows(r)];
  const w0 = Math.max(...all.map((x) => x[0].length));
  const w1 = Math.max(...all.map((x) => x[1].length));
  return all.map(([a, b, c]) => `  ${a.padEnd(w0)}  ${b.padStart(w1)}   ${c}`).join('\n');
}

/** The Markdown table (bench/results/latest.md and the README). */
export function markdownTable(r: BenchResult): string {
  const lines = ['| | ours | naive baseline |', '|---|---|---|'];
  for (const [a, b, c] of rows(r)) lines.push(`| ${a} | ${b} | ${c} |`);
  return lines.join('\n');
}
