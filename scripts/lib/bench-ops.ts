/**
 * Firestore operations per event kind and per reconcile run, counted by a wrapper around the state
 * store (see counting-store.ts), beside the Notion requests and log bytes of the same work. One
 * warm instance (it has handled an event before, so its Area and Project are known) handles
 * SAMPLES events of each kind, one at a time; the figure is the mean per event. A second warm
 * instance on the same store gets the redelivery and the stale event too: it never wrote that
 * task's state, so it must read it, where the first one remembers it. The reconcile is a
 * fresh instance (as a scheduled tick usually is) over an account already in step, measured two
 * hourly runs after the backfill (the first one reads every state the backfill wrote and rebuilds
 * the reconcile index).
 */
import { loadConfig } from '../../src/config/index.js';
import type { SyncContext } from '../../src/handlers/context.js';
import { handleMessage } from '../../src/handlers/handle-message.js';
import { createLogger } from '../../src/log/logger.js';
import { createNotionApi } from '../../src/notion/client.js';
import { reconcile } from '../../src/reconcile/index.js';
import { createSyncContext } from '../../src/runtime.js';
import { createMemoryStore } from '../../src/state/memory.js';
import type { StateStore } from '../../src/state/store.js';
import { createWebhookHandler } from '../../src/webhook/receiver.js';
import { type NotionSandbox, startNotionSandbox } from '../../test/support/notion-sandbox/index.js';
import { startTodoistFake } from '../../test/support/todoist-fake/index.js';
import { benchAccount } from './bench-account.js';
import {
  type CountingStore,
  countingStore,
  type OpCounts,
  opsBetween,
  type StoreCounts,
  zeroOps,
} from './counting-store.js';
import { round } from './stats.js';
import { DEMO_CLIENT_SECRET, MEMORY_STORE, syncEnv } from './sync-env.js';
import {
  captureResponse,
  noteEventBody,
  taskEventBody,
  todoistStamp,
  webhookRequest,
} from './todoist-payloads.js';

export const EVENT_KINDS = [
  'newTask',
  'warmUpdate',
  'redelivery',
  'redeliveryElsewhere',
  'staleEvent',
  'staleElsewhere',
  'comment',
] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

/** What one event (or one run) cost: Firestore operations, Notion requests, log bytes, local time. */
export interface WorkCost extends StoreCounts {
  notionRequests: number;
  logBytes: number;
  /** Wall time with Notion and the store answering locally at once (real latency is added by the cost model). */
  localMs: number;
  /** The operations by collection (ledger, entities, claims, …): where a cut would come from. */
  byCollection: Record<string, OpCounts>;
}

export interface OpsMeasure {
  samples: number;
  perEvent: Record<EventKind, WorkCost>;
  /**
   * A scheduled run (fresh instance) over an account in step whose reconcile index is built: the
   * run every hour pays. `firstAfterBackfill` is the run just after the backfill, whose index
   * predates every state the backfill wrote, so it reads them all once and rebuilds the index.
   */
  reconcileInStep: WorkCost & { tasks: number; todoistRequests: number; firstAfterBackfill: OpCounts };
  /** The receiver per request (verify, publish to a stand-in answering at once): time, log and message bytes. */
  webhook: { localMs: number; logBytes: number; messageBytes: number };
  /** Mean stored size per document (JSON bytes plus Firestore's name and overhead), by collection. */
  docBytes: Record<string, number>;
}

const SAMPLES = 10;
const RECONCILE_TASKS = 1_000;
const HOUR_MS = 3_600_000;
const T0 = Date.parse('2026-11-02T08:00:00Z');
const stamp = (minute: number) => todoistStamp(T0 + minute * 60_000);

interface Meter {
  store: CountingStore;
  sandbox: NotionSandbox;
  logBytes: () => number;
}

async function measure(meter: Meter, work: () => Promise<unknown>): Promise<WorkCost> {
  const ops = meter.store.counts();
  const detail = meter.store.byCollection();
  const requests = meter.sandbox.counts().total;
  const bytes = meter.logBytes();
  const started = performance.now();
  await work();
  return {
    ...opsBetween(ops, meter.store.counts()),
    calls: meter.store.counts().calls - ops.calls,
    notionRequests: meter.sandbox.counts().total - requests,
    logBytes: meter.logBytes() - bytes,
    localMs: performance.now() - started,
    byCollection: Object.fromEntries(
      Object.entries(meter.store.byCollection())
        .map(([c, after]): [string, OpCounts] => [c, opsBetween(detail[c] ?? zeroOps(), after)])
        .filter(([, o]) => o.reads + o.writes + o.deletes > 0),
    ),
  };
}

function mean(costs: WorkCost[]): WorkCost {
  const n = Math.max(1, costs.length);
  const sum = (pick: (c: WorkCost) => number) => round(costs.reduce((a, c) => a + pick(c), 0) / n, 2);
  return {
    reads: sum((c) => c.reads),
    writes: sum((c) => c.writes),
    deletes: sum((c) => c.deletes),
    calls: sum((c) => c.calls),
    notionRequests: sum((c) => c.notionRequests),
    logBytes: Math.round(sum((c) => c.logBytes)),
    localMs: sum((c) => c.localMs),
    byCollection: Object.fromEntries(
      [...new Set(costs.flatMap((c) => Object.keys(c.byCollection)))]
        .map((collection): [string, OpCounts] => {
          const of = (c: WorkCost) => c.byCollection[collection] ?? zeroOps();
          return [
            collection,
            {
              reads: sum((c) => of(c).reads),
              writes: sum((c) => of(c).writes),
              deletes: sum((c) => of(c).deletes),
            },
          ];
        })
        .filter(([, o]) => o.reads + o.writes + o.deletes > 0),
    ),
  };
}

/** Firestore's stored size of a document: its name, its fields (approximated by JSON) and 32 bytes. */
async function docBytes(store: StateStore): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const collection of ['entities', 'claims', 'ledger']) {
    const docs = await store.list(collection);
    const total = docs.reduce(
      (a, d) => a + collection.length + d.id.length + 2 + JSON.stringify(d.data).length + 32,
      0,
    );
    out[collection] = docs.length > 0 ? Math.round(total / docs.length) : 0;
  }
  return out;
}

function deliver(ctx: SyncContext, body: string, deliveryId: string) {
  return handleMessage(ctx, {
    body: Buffer.from(body),
    attributes: { deliveryId },
    messageId: `m-${deliveryId}`,
  });
}

/** A sync instance on `store` against `sandbox`, logging into `sink` (counted, not kept). */
function instance(sandbox: NotionSandbox, store: StateStore, sink: (line: string) => void, extra = {}) {
  const env = syncEnv(sandbox, MEMORY_STORE.env, { NOTION_RPS: '1000', NOTION_CONCURRENCY: '8', ...extra });
  const config = loadConfig(env, 'TODOIST_API_TOKEN' in extra ? 'reconcile' : 'sync');
  const logger = createLogger({ sink, minSeverity: 'INFO' });
  const notion = createNotionApi({ config: config.notion, logger });
  // Read through `Date.now` on each call, so a run under `atClockAhead` is later as a whole.
  const now = () => Date.now();
  return { ctx: createSyncContext(config, logger, { store, notion, now }), close: () => notion.close() };
}

async function perEvent(): Promise<{
  perEvent: Record<EventKind, WorkCost>;
  docBytes: Record<string, number>;
}> {
  const sandbox = await startNotionSandbox({ seed: 5 });
  const inner = createMemoryStore();
  const store = countingStore(inner);
  let bytes = 0;
  const sink = (line: string) => {
    bytes += Buffer.byteLength(line) + 1;
  };
  const { ctx, close } = instance(sandbox, store, sink);
  const other = instance(sandbox, store, sink);
  const meter: Meter = { store, sandbox, logBytes: () => bytes };
  try {
    const task = (id: string, minute: number, content: string, event = 'item:updated') =>
      taskEventBody(event, { id, content, labels: ['area:Home'], updated_at: stamp(minute) });
    // Warm the instances: their Area and Project exist and are known, as after any earlier event.
    await deliver(ctx, task('opsWarm0', 0, 'Warm-up task', 'item:added'), 'warm-0');
    await deliver(other.ctx, task('opsWarm1', 0, 'Another warm-up task', 'item:added'), 'warm-1');
    const costs = Object.fromEntries(EVENT_KINDS.map((k) => [k, [] as WorkCost[]])) as Record<
      EventKind,
      WorkCost[]
    >;
    for (let i = 0; i < SAMPLES; i++) {
      const id = `opsTask${i}`;
      const update = task(id, 10, `Task ${i}, renamed`);
      costs.newTask.push(
        await measure(meter, () => deliver(ctx, task(id, 1, `Task ${i}`, 'item:added'), `add-${i}`)),
      );
      costs.warmUpdate.push(await measure(meter, () => deliver(ctx, update, `upd-${i}`)));
      costs.redelivery.push(await measure(meter, () => deliver(ctx, update, `upd-${i}`)));
      costs.redeliveryElsewhere.push(await measure(meter, () => deliver(other.ctx, update, `upd-${i}`)));
      costs.staleEvent.push(
        await measure(meter, () => deliver(ctx, task(id, 5, `Task ${i}, older`), `old-${i}`)),
      );
      costs.staleElsewhere.push(
        await measure(meter, () => deliver(other.ctx, task(id, 6, `Task ${i}, older too`), `older-${i}`)),
      );
      const note = noteEventBody('note:added', {
        id: `opsNote${i}`,
        itemId: id,
        content: `A comment on task ${i}`,
        postedAt: stamp(12),
      });
      costs.comment.push(await measure(meter, () => deliver(ctx, note, `note-${i}`)));
    }
    const perEvent = Object.fromEntries(EVENT_KINDS.map((k) => [k, mean(costs[k])])) as Record<
      EventKind,
      WorkCost
    >;
    return { perEvent, docBytes: await docBytes(inner) };
  } finally {
    await close();
    await other.close();
    await sandbox.close();
  }
}

/**
 * Runs `work` with the wall clock `aheadMs` later, as a scheduled run that much later sees it: the
 * reconcile index asks for the states written since its last run (by `Date.now`), and back-to-back
 * runs would find the whole backfill inside that window.
 */
async function atClockAhead<T>(aheadMs: number, work: () => Promise<T>): Promise<T> {
  const real = Date.now;
  Date.now = () => real() + aheadMs;
  try {
    return await work();
  } finally {
    Date.now = real;
  }
}

async function reconcileInStep(): Promise<OpsMeasure['reconcileInStep']> {
  const sandbox = await startNotionSandbox({ seed: 6 });
  const fake = await startTodoistFake(benchAccount(RECONCILE_TASKS, Date.now()));
  const store = countingStore(createMemoryStore());
  let bytes = 0;
  const sink = (line: string) => {
    bytes += Buffer.byteLength(line) + 1;
  };
  const extra = { TODOIST_API_TOKEN: fake.token, TODOIST_BASE_URL: fake.url, LOG_LEVEL: 'INFO' };
  const first = instance(sandbox, store, () => {}, extra);
  const settle = instance(sandbox, store, () => {}, extra);
  const tick = instance(sandbox, store, sink, extra);
  const inStep = async (ctx: SyncContext) => {
    const report = await reconcile(ctx);
    if (report.status !== 'done') throw new Error(`the in-step reconcile ended ${report.status}`);
  };
  try {
    const backfill = await reconcile(first.ctx, { allowCreates: true });
    if (backfill.status !== 'done') throw new Error(`the 1,000-task backfill ended ${backfill.status}`);
    // The hourly schedule: the next run an hour after the backfill, the measured one an hour later.
    const before = store.counts();
    await atClockAhead(HOUR_MS, () => inStep(settle.ctx));
    const firstAfterBackfill = opsBetween(before, store.counts());
    const todoist = fake.counts().total;
    const cost = await measure({ store, sandbox, logBytes: () => bytes }, () =>
      atClockAhead(2 * HOUR_MS, () => inStep(tick.ctx)),
    );
    return {
      ...cost,
      localMs: round(cost.localMs, 0),
      tasks: RECONCILE_TASKS,
      todoistRequests: fake.counts().total - todoist,
      firstAfterBackfill,
    };
  } finally {
    await first.close();
    await settle.close();
    await tick.close();
    await fake.close();
    await sandbox.close();
  }
}

async function webhookCost(): Promise<OpsMeasure['webhook']> {
  let bytes = 0;
  let published = 0;
  const handler = createWebhookHandler({
    secret: DEMO_CLIENT_SECRET,
    publish: async (data) => {
      published += data.length;
      return 'm-1';
    },
    logger: createLogger({
      sink: (line) => {
        bytes += Buffer.byteLength(line) + 1;
      },
      minSeverity: 'INFO',
    }),
  });
  const started = performance.now();
  for (let i = 0; i < SAMPLES; i++) {
    const body = taskEventBody('item:updated', {
      id: `hook${i}`,
      labels: ['area:Home'],
      updated_at: stamp(i),
    });
    await handler(webhookRequest(body, `hook-${i}`, DEMO_CLIENT_SECRET), captureResponse());
  }
  return {
    localMs: round((performance.now() - started) / SAMPLES, 2),
    logBytes: Math.round(bytes / SAMPLES),
    messageBytes: Math.round(published / SAMPLES),
  };
}

/** Measures Firestore operations (and Notion requests, log bytes) per event kind and per in-step reconcile. */
export async function measureOps(): Promise<OpsMeasure> {
  const events = await perEvent();
  return {
    samples: SAMPLES,
    perEvent: events.perEvent,
    reconcileInStep: await reconcileInStep(),
    docBytes: events.docBytes,
    webhook: await webhookCost(),
  };
}
