/**
 * `npm run demo`: the main job on embedded defaults. A local Notion sandbox (index lag, 3 requests/s),
 * the Firestore emulator when gcloud is present (else the memory store), a burst of signed Todoist
 * webhooks through the real receiver, an at-least-once in-process Pub/Sub into the real sync, and a
 * short report. Exit 0 when Notion ends exactly as Todoist says, 1 otherwise.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isUsageError, parseFlags } from '../src/cli/args.js';
import { runAsScript } from '../src/cli/script.js';
import { loadConfig } from '../src/config/index.js';
import { handleMessage } from '../src/handlers/handle-message.js';
import { createNotionApi } from '../src/notion/client.js';
import { createSyncContext } from '../src/runtime.js';
import { createWebhookHandler, type Publish } from '../src/webhook/receiver.js';
import { startNotionSandbox } from '../test/support/notion-sandbox/index.js';
import { rng } from '../test/support/workload.js';
import { createDeliveryQueue } from './lib/delivery-queue.js';
import { printDemoReport } from './lib/demo-report.js';
import { type DemoWebhook, demoScenario } from './lib/demo-scenario.js';
import { setupDemoWorkspace } from './lib/demo-workspace.js';
import { createRunLog } from './lib/run-log.js';
import { chooseStore } from './lib/state-store.js';
import { DEMO_CLIENT_SECRET, DEMO_NOTION_TOKEN, syncEnv } from './lib/sync-env.js';
import { captureResponse, webhookRequest } from './lib/todoist-payloads.js';
import { runTwoWayDemo } from './lib/two-way-demo.js';

const LAG_MS = 1_500;
const RPS = 3;
/** Messages a sync instance works on at once (the deploy's --concurrency). */
const CONCURRENCY = 4;
/** Share of published messages Pub/Sub delivers a second time in the demo. */
const REDELIVER_SHARE = 0.3;

const USAGE =
  'usage: npm run demo -- [--verbose] [--store auto|memory|firestore] [--setup-notion] [--two-way]';

async function main(argv: readonly string[]): Promise<number> {
  const flags = parseFlags(argv, {
    verbose: { type: 'boolean' },
    store: { type: 'string', choices: ['auto', 'memory', 'firestore'] },
    'setup-notion': { type: 'boolean' },
    'two-way': { type: 'boolean' },
    help: { type: 'boolean' },
  });
  if (flags.help) {
    console.log(USAGE);
    return 0;
  }
  if (flags['two-way']) {
    const twoWayLog = createRunLog({
      verbose: flags.verbose,
      path: join(tmpdir(), `notion-todoist-sync-demo-two-way-${process.pid}.log`),
      secrets: [DEMO_NOTION_TOKEN, DEMO_CLIENT_SECRET],
    });
    try {
      return await runTwoWayDemo((line) => process.stdout.write(`${line}\n`), twoWayLog.logger);
    } finally {
      await twoWayLog.close();
    }
  }
  const started = performance.now();
  const say = (line: string) => process.stdout.write(`${line}\n`);
  const local = await startNotionSandbox({ lagMs: LAG_MS, rps: RPS, seed: 1 });
  const sandbox = flags['setup-notion']
    ? await setupDemoWorkspace(local, say).catch(async (error: unknown) => {
        await local.close();
        throw error;
      })
    : local;
  const store = await chooseStore((flags.store ?? 'auto') as 'auto' | 'memory' | 'firestore', say);
  const log = createRunLog({
    verbose: flags.verbose,
    path: join(tmpdir(), `notion-todoist-sync-demo-${process.pid}.log`),
    secrets: [DEMO_NOTION_TOKEN, DEMO_CLIENT_SECRET],
  });
  try {
    const env = syncEnv(sandbox, store.env, {
      NOTION_RPS: String(RPS),
      NOTION_INDEX_LAG_MS: String(LAG_MS + 500),
    });
    const config = loadConfig(env, 'sync');
    const webhookConfig = loadConfig(env, 'webhook');
    const notion = createNotionApi({ config: config.notion, logger: log.logger });
    const ctx = createSyncContext(config, log.logger, { notion });

    const outcomes = new Map<string, number>();
    const queue = createDeliveryQueue({
      concurrency: CONCURRENCY,
      handle: async (m) => {
        const outcome = await handleMessage(ctx, {
          body: m.data,
          attributes: m.attributes,
          messageId: m.messageId,
        });
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
        return outcome;
      },
    });
    const random = rng(2026);
    // Pub/Sub may deliver any message again, at once (concurrently) or a little later.
    const publish: Publish = async (data, attributes) => {
      const id = await queue.publish(data, attributes);
      if (random() < REDELIVER_SHARE) queue.redeliver(id, random() < 0.5 ? 0 : 800);
      return id;
    };
    const receive = createWebhookHandler({
      secret: webhookConfig.todoist.clientSecret ?? '',
      publish,
      logger: log.logger,
    });
    const post = async (w: DemoWebhook): Promise<number> => {
      const key = w.signature === 'valid' ? DEMO_CLIENT_SECRET : w.signature === 'wrong' ? 'guessed' : null;
      const res = captureResponse();
      await receive(webhookRequest(w.body, w.deliveryId, key), res);
      return res.statusCode;
    };

    const scenario = demoScenario();
    say(`sending ${scenario.burst.length} webhooks at once, then ${scenario.late.length} late ones…`);
    const burstStatuses = await Promise.all(scenario.burst.map(post));
    await queue.idle();
    const lateStatuses = await Promise.all(scenario.late.map(post));
    await queue.idle();

    const all = [...scenario.burst, ...scenario.late];
    const statuses = [...burstStatuses, ...lateStatuses];
    const code = printDemoReport({
      say,
      sandbox,
      scenario,
      webhooks: all.map((w, i) => ({ webhook: w, status: statuses[i] ?? 0 })),
      records: queue.records(),
      failures: queue.failures().length,
      outcomes,
      storeLabel: `${store.label}: ${store.reason}`,
      logPath: log.path,
      logCounts: log.counts(),
      elapsedMs: performance.now() - started,
      lagMs: LAG_MS,
      rps: RPS,
    });
    await ctx.store.close();
    await notion.close();
    return code;
  } finally {
    await log.close();
    await sandbox.close();
    await store.stop();
  }
}

runAsScript(import.meta.url, (argv) =>
  main(argv).catch((error: unknown) => {
    if (!isUsageError(error)) throw error;
    process.stderr.write(`${error.message}\n${USAGE}\n`);
    return 2;
  }),
);
