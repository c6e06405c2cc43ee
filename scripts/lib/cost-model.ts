/**
 * The monthly bill of one deployment, from measured work per event and per reconcile run, the
 * deployed sizes and Google Cloud's list prices (gcp-prices.ts). A pure function: the benchmark
 * feeds it measured counts; table-driven tests feed it literal ones. A month is 30 days;
 * Firestore's free quota is daily, the others monthly.
 */
import type { FunctionSize } from './deployed-sizes.js';
import type { PriceTable } from './gcp-prices.js';

/** Measured work of one delivery or one reconcile run. */
export interface WorkUnit {
  reads: number;
  writes: number;
  deletes: number;
  /** Store round trips (a listing is one), each costing `firestoreMs` of handler time. */
  calls: number;
  notionRequests: number;
  logBytes: number;
  /** Handler time with every outside service answering at once. */
  localMs: number;
  /**
   * Ledger entries left behind (each one later a TTL delete). Only Notion events (two-way) use the
   * ledger; a Todoist event leaves none, hence the default 0.
   */
  ledgerEntries?: number;
  todoistRequests?: number;
}

/** What the model cannot measure locally: real round-trip times and Cloud Run's own request log. */
export interface Assumptions {
  notionMs: number;
  firestoreMs: number;
  todoistMs: number;
  publishMs: number;
  /** Cloud Run's request log entry per invocation. */
  platformLogBytes: number;
  /** Stored size per document byte (Firestore's single-field indexes). */
  indexOverhead: number;
  /** An idle instance is kept this long: at most one cold start per window and function. */
  idleWindowMinutes: number;
}

export const ASSUMPTIONS: Assumptions = {
  notionMs: 350,
  firestoreMs: 12,
  todoistMs: 250,
  publishMs: 25,
  platformLogBytes: 600,
  indexOverhead: 2,
  idleWindowMinutes: 15,
};

export type FunctionName = 'todoistWebhook' | 'syncTodoistEvent' | 'reconcileTodoist';

export interface CostInputs {
  eventsPerDay: number;
  /** Deliveries to the sync per Todoist event, by kind (the mix; redeliveries on top of events). */
  mix: Record<string, number>;
  perEvent: Record<string, WorkUnit>;
  webhook: { localMs: number; logBytes: number; messageBytes: number };
  reconcile: WorkUnit & { runsPerDay: number };
  sizes: Record<FunctionName, FunctionSize>;
  coldStartMs: Record<FunctionName, number>;
  /** Tasks in the account (entity and claim documents kept) and mean stored bytes per document. */
  storage: { tasks: number; docBytes: Record<string, number>; ledgerTtlDays: number };
  assumptions: Assumptions;
  prices: PriceTable;
}

export interface CostLine {
  line: string;
  /** Monthly usage in the line's unit, and its free allowance (null: none). */
  usage: number;
  free: number | null;
  unit: string;
  usd: number;
}

export interface MonthlyBill {
  eventsPerDay: number;
  lines: CostLine[];
  totalUsd: number;
  /** The line costing most, or (nothing billed) the one nearest its free tier. */
  dominant: string;
}

const DAYS = 30;
const GIB = 2 ** 30;

function billedSeconds(ms: number, roundingMs: number): number {
  return ms <= 0 ? 0 : (Math.ceil(ms / roundingMs) * roundingMs) / 1_000;
}

function over(usage: number, free: number | null): number {
  return Math.max(0, usage - (free ?? 0));
}

/** The monthly bill for `inputs.eventsPerDay` Todoist events a day. */
export function monthlyBill(inputs: CostInputs): MonthlyBill {
  const { prices: p, assumptions: a, sizes, reconcile: rec } = inputs;
  const kinds = Object.entries(inputs.mix).map(([kind, share]) => {
    const work = inputs.perEvent[kind];
    if (!work) throw new Error(`the mix names "${kind}", which was not measured`);
    return { work, perDay: inputs.eventsPerDay * share };
  });
  const deliveries = kinds.reduce((s, k) => s + k.perDay, 0);
  const daily = (pick: (w: WorkUnit) => number) =>
    kinds.reduce((s, k) => s + k.perDay * pick(k.work), 0) + rec.runsPerDay * pick(rec);

  // Compute: each invocation billed on its own (sparse events rarely overlap), plus cold starts.
  const syncSeconds = kinds.reduce((s, k) => {
    const ms = k.work.localMs + k.work.notionRequests * a.notionMs + k.work.calls * a.firestoreMs;
    return s + k.perDay * billedSeconds(ms, p.run.roundingMs);
  }, 0);
  const webhookSeconds = deliveries * billedSeconds(inputs.webhook.localMs + a.publishMs, p.run.roundingMs);
  const recMs =
    rec.localMs +
    rec.notionRequests * a.notionMs +
    (rec.todoistRequests ?? 0) * a.todoistMs +
    rec.calls * a.firestoreMs;
  const recSeconds = rec.runsPerDay * billedSeconds(recMs, p.run.roundingMs);
  const windows = (24 * 60) / a.idleWindowMinutes;
  const starts = (fn: FunctionName, invocations: number) =>
    Math.min(invocations, windows) * billedSeconds(inputs.coldStartMs[fn], p.run.roundingMs);
  const seconds: Record<FunctionName, number> = {
    todoistWebhook: webhookSeconds + starts('todoistWebhook', deliveries),
    syncTodoistEvent: syncSeconds + starts('syncTodoistEvent', deliveries),
    reconcileTodoist: recSeconds + starts('reconcileTodoist', rec.runsPerDay),
  };
  const fns = Object.keys(seconds) as FunctionName[];
  const vcpuSeconds = DAYS * fns.reduce((s, fn) => s + seconds[fn] * sizes[fn].vcpu, 0);
  const gibSeconds = DAYS * fns.reduce((s, fn) => s + seconds[fn] * sizes[fn].memoryGib, 0);
  const requests = DAYS * (2 * deliveries + rec.runsPerDay);

  const fs = p.firestore;
  const ledgerPerDay = kinds.reduce((s, k) => s + k.perDay * (k.work.ledgerEntries ?? 0), 0);
  const firestoreLine = (line: string, perDay: number, freePerDay: number, usdPer100k: number): CostLine => ({
    line,
    usage: DAYS * perDay,
    free: DAYS * freePerDay,
    unit: 'operations',
    usd: (DAYS * over(perDay, freePerDay) * usdPer100k) / 100_000,
  });
  const bytes = inputs.storage.docBytes;
  const storedGib =
    (a.indexOverhead *
      (inputs.storage.tasks * ((bytes['entities'] ?? 0) + (bytes['claims'] ?? 0)) +
        ledgerPerDay * inputs.storage.ledgerTtlDays * (bytes['ledger'] ?? 0))) /
    GIB;
  const message = Math.max(p.pubsub.minBytesPerMessage, inputs.webhook.messageBytes);
  // Publish and push delivery both count, for events and for reconcile ticks.
  const pubsubGib = (DAYS * 2 * (deliveries * message + rec.runsPerDay * p.pubsub.minBytesPerMessage)) / GIB;
  const logGib =
    (DAYS *
      (daily((w) => w.logBytes) +
        deliveries * inputs.webhook.logBytes +
        (2 * deliveries + rec.runsPerDay) * a.platformLogBytes)) /
    GIB;

  const lines: CostLine[] = [
    {
      line: 'Cloud Run functions vCPU',
      usage: vcpuSeconds,
      free: p.run.freeVcpuSeconds,
      unit: 'vCPU-s',
      usd: over(vcpuSeconds, p.run.freeVcpuSeconds) * p.run.usdPerVcpuSecond,
    },
    {
      line: 'Cloud Run functions memory',
      usage: gibSeconds,
      free: p.run.freeGibSeconds,
      unit: 'GiB-s',
      usd: over(gibSeconds, p.run.freeGibSeconds) * p.run.usdPerGibSecond,
    },
    {
      line: 'Cloud Run functions requests',
      usage: requests,
      free: p.run.freeRequests,
      unit: 'requests',
      usd: (over(requests, p.run.freeRequests) * p.run.usdPerMillionRequests) / 1e6,
    },
    firestoreLine(
      'Firestore reads',
      daily((w) => w.reads),
      fs.freeReadsPerDay,
      fs.usdPer100kReads,
    ),
    firestoreLine(
      'Firestore writes',
      daily((w) => w.writes),
      fs.freeWritesPerDay,
      fs.usdPer100kWrites,
    ),
    firestoreLine(
      'Firestore deletes',
      daily((w) => w.deletes),
      fs.freeDeletesPerDay,
      fs.usdPer100kDeletes,
    ),
    {
      line: 'Firestore TTL deletes (ledger, two-way only)',
      usage: DAYS * ledgerPerDay,
      free: null,
      unit: 'operations',
      usd: (DAYS * ledgerPerDay * fs.usdPer100kDeletes) / 100_000,
    },
    {
      line: 'Firestore storage',
      usage: storedGib,
      free: fs.freeGib,
      unit: 'GiB',
      usd: over(storedGib, fs.freeGib) * fs.usdPerGibMonth,
    },
    {
      line: 'Pub/Sub throughput',
      usage: pubsubGib,
      free: p.pubsub.freeGibPerMonth,
      unit: 'GiB',
      usd: (over(pubsubGib, p.pubsub.freeGibPerMonth) * p.pubsub.usdPerTib) / 1024,
    },
    {
      line: 'Cloud Scheduler',
      usage: 1,
      free: p.scheduler.freeJobs,
      unit: 'jobs',
      usd: over(1, p.scheduler.freeJobs) * p.scheduler.usdPerJobMonth,
    },
    {
      line: 'Cloud Logging',
      usage: logGib,
      free: p.logging.freeGibPerMonth,
      unit: 'GiB',
      usd: over(logGib, p.logging.freeGibPerMonth) * p.logging.usdPerGib,
    },
  ];
  const totalUsd = lines.reduce((s, l) => s + l.usd, 0);
  return { eventsPerDay: inputs.eventsPerDay, lines, totalUsd, dominant: dominantLine(lines, totalUsd) };
}

function dominantLine(lines: CostLine[], totalUsd: number): string {
  if (totalUsd > 0) {
    const top = lines.reduce((a, b) => (b.usd > a.usd ? b : a));
    return `${top.line} (${Math.round((100 * top.usd) / totalUsd)} % of the bill)`;
  }
  const share = (l: CostLine) => (l.free ? l.usage / l.free : 0);
  const near = lines.reduce((a, b) => (share(b) > share(a) ? b : a));
  return `nothing billed; nearest its free tier: ${near.line} (${Math.round(100 * share(near))} % used)`;
}
