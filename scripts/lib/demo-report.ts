/** The demo's short human report and its exit code. */
import type { Severity } from '../../src/log/logger.js';
import type { NotionSandbox } from '../../test/support/notion-sandbox/index.js';
import { summarise } from './check-state.js';
import type { DeliveryRecord } from './delivery-queue.js';
import { demoChecks } from './demo-checks.js';
import type { DemoScenario, DemoWebhook } from './demo-scenario.js';

export interface DemoReportInput {
  say(line: string): void;
  sandbox: NotionSandbox;
  scenario: DemoScenario;
  webhooks: Array<{ webhook: DemoWebhook; status: number }>;
  records: DeliveryRecord[];
  failures: number;
  outcomes: Map<string, number>;
  storeLabel: string;
  logPath: string | undefined;
  logCounts: Partial<Record<Severity, number>>;
  elapsedMs: number;
  lagMs: number;
  rps: number;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Prints the report; returns 0 when every check passed, else 1. */
export function printDemoReport(input: DemoReportInput): number {
  const { say, sandbox, scenario } = input;
  const signed = input.webhooks.filter((w) => w.webhook.signature === 'valid');
  const forged = input.webhooks.filter((w) => w.webhook.signature !== 'valid');
  const retries = signed.filter((w) => w.webhook.retryOf).length;
  const events = new Set(signed.map((w) => w.webhook.deliveryId)).size;
  const projectEvents = new Set(
    signed.filter((w) => w.webhook.body.includes('"project:')).map((w) => w.webhook.deliveryId),
  ).size;
  const redeliveries = input.records.filter((r) => r.redelivery).length;
  const summary = summarise(sandbox);
  const counts = sandbox.counts();
  const checks = demoChecks(sandbox, scenario, {
    signed: signed.map((w) => w.status),
    forged: forged.map((w) => w.status),
    published: input.records.filter((r) => !r.redelivery).length,
  });
  if (input.failures > 0)
    checks.push({ ok: false, line: `${input.failures} messages were never acknowledged` });
  const outcomes = [...input.outcomes.entries()].map(([k, v]) => `${k} ${v}`).join(', ');
  const errors = (input.logCounts.ERROR ?? 0) + (input.logCounts.CRITICAL ?? 0);

  say('');
  say('notion-todoist-sync demo');
  say(
    `  Notion sandbox  ${sandbox.url} (index lag ${seconds(input.lagMs)}, ${input.rps} requests/s, as Notion)`,
  );
  say(`  state store     ${input.storeLabel}`);
  say(
    `  sync logs       ${input.logPath ?? 'printed above (--verbose)'} (${input.logCounts.INFO ?? 0} INFO, ${input.logCounts.WARNING ?? 0} WARNING, ${errors} ERROR)`,
  );
  say('');
  say(
    `  webhooks     ${input.webhooks.length} POSTs: ${signed.length} signed → 200, of which ${retries} Todoist retries (same X-Todoist-Delivery-ID);`,
  );
  say(`               ${forged.length} without a valid signature → 401, not published`);
  say(
    `  events       ${events} distinct Todoist events (${events - projectEvents} task, ${projectEvents} project)`,
  );
  say(
    `  deliveries   ${input.records.length} Pub/Sub deliveries (${input.records.length - redeliveries} published + ${redeliveries} redelivered)`,
  );
  say(`               outcomes: ${outcomes}`);
  say(
    `  Notion       Areas ${summary.areas} · Projects ${summary.projects} · Todos ${summary.todos} (+ ${summary.trashedTodos} in the trash)`,
  );
  say(`               duplicates ${summary.duplicates}`);
  say(
    `               ${counts.total} requests → ${(counts.total / events).toFixed(2)} per event (${counts.rateLimited} rate-limited)`,
  );
  say(`               every page is new here (a look-up, then a create); a warm update is one PATCH`);
  say('');
  for (const c of checks) say(`  ${c.ok ? '✓' : '✗'} ${c.line}`);
  const ok = checks.every((c) => c.ok);
  say('');
  say(`  ${ok ? 'all checks passed' : 'SOME CHECKS FAILED'} in ${seconds(input.elapsedMs)}`);
  say('');
  say('  next:');
  say('    README.md "How it works" (the exactly-once design) and "Configuration"');
  say('    npm run bench                  requests/event, events/s, latency, beside a naive sync');
  say('    npm run notion-sandbox -- --port 0 --lag-ms 1500 --rps 3   the local Notion, to poke at');
  say('    npm run demo -- --verbose      this run with the sync logs');
  return ok ? 0 : 1;
}
