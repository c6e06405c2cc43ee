import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signBody } from '../../src/todoist/signature.js';
import { createPushSubscription, createTopic } from '../support/emulators.js';
import { expectWorkloadApplied } from '../support/expect-workload.js';
import { type FunctionProcess, startFunction, syncEnv } from '../support/functions.js';
import { type NotionSandbox, startNotionSandbox } from '../support/notion-sandbox/index.js';
import { titleOf, workspace } from '../support/notion-view.js';
import { testBudget } from '../support/test-budget.js';
import { makeWorkload, rng, shuffle } from '../support/workload.js';

const PROJECT = process.env['GOOGLE_CLOUD_PROJECT'] ?? 'demo-nts';
const SECRET = 'pipeline-client-secret';
const PROJECT_ID = '6cVp2Lk7NzQf9BsW';

/**
 * Todoist → todoistWebhook → Pub/Sub emulator → three push subscriptions (every message at least
 * three times, concurrently) → three syncTodoistEvent processes → a Notion sandbox that fails 5% of
 * requests, loses 3% of create responses, rate-limits and lags 2.5 s; one process is SIGKILLed
 * mid-run and restarted.
 */
describe('the whole pipeline under faults', () => {
  const host = process.env['PUBSUB_EMULATOR_HOST'] ?? '';
  const topic = `todoist-${randomUUID().slice(0, 8)}`;
  let sandbox: NotionSandbox;
  let syncs: FunctionProcess[] = [];
  let receiver: FunctionProcess;

  beforeAll(async () => {
    sandbox = await startNotionSandbox({
      lagMs: 2_500,
      rps: 4,
      errorRate: 0.05,
      lostCreateRate: 0.03,
      seed: 9,
    });
    const env = syncEnv(sandbox, {
      NOTION_RPS: '5',
      NOTION_TIMEOUT_MS: '3000',
      NOTION_INDEX_LAG_MS: '3000',
      CLAIM_LEASE_MS: '7000',
      GOOGLE_CLOUD_PROJECT: PROJECT,
    });
    syncs = await Promise.all([1, 2, 3].map(() => startFunction('syncTodoistEvent', env)));
    await createTopic(host, PROJECT, topic);
    await Promise.all(
      syncs.map((fn, i) =>
        createPushSubscription(
          host,
          PROJECT,
          `${topic}-sub${i}`,
          topic,
          `${fn.url}/projects/${PROJECT}/topics/${topic}`,
          {
            ackDeadlineSeconds: 30,
            minimumBackoff: 1,
            maximumBackoff: 4,
          },
        ),
      ),
    );
    receiver = await startFunction('todoistWebhook', {
      TODOIST_CLIENT_SECRET: SECRET,
      PUBSUB_TOPIC: topic,
      PUBSUB_EMULATOR_HOST: host,
      GOOGLE_CLOUD_PROJECT: PROJECT,
    });
  });

  afterAll(async () => {
    await Promise.all([...syncs, receiver].filter(Boolean).map((f) => f.kill()));
    await sandbox?.close();
  });

  async function webhook(body: string, deliveryId: string): Promise<void> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const res = await fetch(receiver.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-todoist-hmac-sha256': signBody(body, SECRET),
          'x-todoist-delivery-id': deliveryId,
        },
        body,
      });
      if (res.status === 200) return;
    }
    throw new Error(`webhook ${deliveryId} was never accepted`);
  }

  /** Every message acked ⇔ nothing is delivered any more: no process logs a line for a while. */
  async function quiet(ms: number, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = -1;
    let since = Date.now();
    while (Date.now() < deadline) {
      const total = syncs.reduce((n, f) => n + f.lines.length, 0);
      if (total !== last) {
        last = total;
        since = Date.now();
      } else if (Date.now() - since >= ms) return;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(
      `deliveries never stopped within ${Math.round(timeoutMs / 1000)} s: some message was not acknowledged`,
    );
  }

  it('one page per task, project and area, the newest state everywhere, every message acked', async () => {
    const budget = testBudget();
    const workload = makeWorkload({ tasks: 30, eventsPerTask: 4, areas: 6, seed: 21, projectId: PROJECT_ID });
    const random = rng(5);
    // Todoist retries a few notifications with the same delivery id; the order is scrambled.
    const sends = shuffle([...workload.events, ...workload.events.filter(() => random() < 0.2)], random);
    const projectAdded = JSON.stringify({
      event_name: 'project:added',
      user_id: '5120884',
      event_data: {
        id: PROJECT_ID,
        name: 'Hallway refresh',
        is_archived: false,
        is_deleted: false,
        updated_at: '2026-11-02T00:00:00.000000Z',
      },
      triggered_at: '2026-11-02T00:00:00.000000Z',
      version: '1',
    });

    const half = Math.floor(sends.length / 2);
    for (const ev of sends.slice(0, half)) await webhook(ev.body, ev.deliveryId);
    // An instance dies mid-run without a chance to clean up, and comes back.
    const victim = syncs[1] as FunctionProcess;
    await victim.kill('SIGKILL');
    for (const ev of sends.slice(half)) await webhook(ev.body, ev.deliveryId);
    await webhook(projectAdded, 'project-added-1');
    await new Promise((r) => setTimeout(r, 2_000));
    await victim.restart();

    // Ends before the test's timeout, so a message never acked is named rather than a bare timeout.
    await quiet(9_000, budget.remainingMs());

    const view = workspace(sandbox);
    const liveProjects = view.projects.filter((p) => !p.in_trash);
    expect(liveProjects.map(titleOf)).toEqual(['Hallway refresh']);
    expectWorkloadApplied(view, workload.expected, { projectPageId: liveProjects[0]?.id ?? '' });
    const counts = sandbox.counts();
    const handled = syncs.flatMap((f) => f.lines).filter((l) => l.includes('"event handled"')).length;
    const skipped = syncs
      .flatMap((f) => f.lines)
      .filter((l) => l.includes('"duplicate delivery skipped"')).length;
    const retried = syncs.flatMap((f) => f.lines).filter((l) => l.includes('Pub/Sub will redeliver')).length;
    console.log(
      JSON.stringify({
        events: workload.events.length + 1,
        webhooks: sends.length + 1,
        deliveriesHandled: handled,
        duplicatesSkipped: skipped,
        retriesRequested: retried,
        faults: {
          injected5xx: counts.injectedErrors,
          lostCreates: counts.lostCreates,
          rateLimited: counts.rateLimited,
        },
        notionRequests: counts.total,
        duplicatePages: view.duplicateTodos + view.duplicateAreas,
      }),
    );
  });
});
