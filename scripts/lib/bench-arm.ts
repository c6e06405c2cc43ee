/**
 * One arm of the benchmark in a process of its own, so its peak RSS is its own: the product
 * (`handleMessage`) or the naive baseline, fed the benchmark's delivery plan through the in-process
 * Pub/Sub. Reads its spec from BENCH_ARM (JSON), prints one JSON line (ArmResult) on stdout.
 */

import type { Env } from '../../src/config/index.js';
import { loadConfig } from '../../src/config/index.js';
import { handleMessage } from '../../src/handlers/handle-message.js';
import { createNotionApi } from '../../src/notion/client.js';
import { createSyncContext } from '../../src/runtime.js';
import { benchPlan } from './bench-workload.js';
import { createDeliveryQueue } from './delivery-queue.js';
import { createNaiveSync } from './naive-sync.js';
import { createRunLog } from './run-log.js';
import { percentile, round } from './stats.js';

export interface ArmSpec {
  arm: 'ours' | 'baseline';
  env: Env;
  concurrency: number;
  logPath?: string | undefined;
}

export interface ArmResult {
  arm: 'ours' | 'baseline';
  events: number;
  deliveries: number;
  elapsedMs: number;
  p50Ms: number;
  p95Ms: number;
  peakRssMb: number;
  outcomes: Record<string, number>;
  /** Deliveries that were nacked at least once, and messages never acked. */
  retried: number;
  failed: number;
  clientRequests: number;
  logs: Record<string, number>;
}

async function run(spec: ArmSpec): Promise<ArmResult> {
  const log = createRunLog({ verbose: false, path: spec.logPath });
  const config = loadConfig(spec.env, 'sync');
  const notion = createNotionApi({ config: config.notion, logger: log.logger });
  const ctx = spec.arm === 'ours' ? createSyncContext(config, log.logger, { notion }) : undefined;
  const naive = createNaiveSync({
    notion,
    databases: config.notion.databases,
    areaLabelPrefix: config.sync.areaLabelPrefix,
  });
  const outcomes: Record<string, number> = {};
  const queue = createDeliveryQueue({
    concurrency: spec.concurrency,
    handle: async (m) => {
      const outcome = ctx
        ? await handleMessage(ctx, { body: m.data, attributes: m.attributes, messageId: m.messageId })
        : await naive(m.data);
      outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
      return outcome;
    },
  });
  const plan = benchPlan();
  const ids = new Map<string, string>();
  const started = performance.now();
  for (const d of plan.deliveries) {
    const known = ids.get(d.messageKey);
    if (known) queue.redeliver(known);
    else ids.set(d.messageKey, await queue.publish(Buffer.from(d.body), { deliveryId: d.deliveryId }));
  }
  await queue.idle();
  const records = queue.records();
  const lastAck = Math.max(...records.map((r) => r.ackedAt));
  const latencies = records.map((r) => r.ackedAt - r.startedAt);
  await ctx?.store.close();
  await notion.close();
  await log.close();
  return {
    arm: spec.arm,
    events: plan.workload.events.length,
    deliveries: plan.deliveries.length,
    elapsedMs: round(lastAck - started, 0),
    p50Ms: round(percentile(latencies, 50), 1),
    p95Ms: round(percentile(latencies, 95), 1),
    peakRssMb: round(process.resourceUsage().maxRSS / 1024, 1),
    outcomes,
    retried: records.filter((r) => r.attempts > 1).length,
    failed: queue.failures().length,
    clientRequests: notion.stats().total,
    logs: log.counts(),
  };
}

const raw = process.env['BENCH_ARM'];
if (!raw) {
  process.stderr.write('bench-arm: BENCH_ARM (a JSON ArmSpec) is not set; run it through npm run bench\n');
  process.exit(2);
}
const result = await run(JSON.parse(raw) as ArmSpec);
process.stdout.write(`${JSON.stringify(result)}\n`, () => process.exit(0));
