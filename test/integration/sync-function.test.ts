import { afterAll, beforeAll, describe, it } from 'vitest';
import { expectWorkloadApplied } from '../support/expect-workload.js';
import { type FunctionProcess, pushMessage, startFunction, syncEnv } from '../support/functions.js';
import { type NotionSandbox, startNotionSandbox } from '../support/notion-sandbox/index.js';
import { workspace } from '../support/notion-view.js';
import { deliveries, makeWorkload, rng } from '../support/workload.js';

/** Delivers like Pub/Sub push: until acked (2xx), with a short backoff after a failure. */
async function deliverUntilAcked(
  url: () => string,
  body: string,
  attributes: Record<string, string>,
  messageId: string,
) {
  for (let attempt = 0; attempt < 40; attempt++) {
    const status = await pushMessage(url(), { body, attributes, messageId }).catch(() => 0);
    if (status >= 200 && status < 300) return attempt;
    await new Promise((r) => setTimeout(r, 200 + attempt * 100));
  }
  throw new Error(`message ${messageId} was never acknowledged`);
}

async function pool<T>(items: T[], width: number, work: (item: T, index: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) {
        const i = next++;
        await work(items[i] as T, i);
      }
    }),
  );
}

describe('syncTodoistEvent, 3 functions-framework processes, one Firestore, a lagging Notion', () => {
  let sandbox: NotionSandbox;
  let functions: FunctionProcess[] = [];

  beforeAll(async () => {
    sandbox = await startNotionSandbox({ lagMs: 2_000 });
    const env = syncEnv(sandbox, {
      NOTION_RPS: '15',
      NOTION_INDEX_LAG_MS: '2500',
      NOTION_TIMEOUT_MS: '4000',
      CLAIM_LEASE_MS: '8000',
      LOG_LEVEL: 'INFO',
    });
    functions = await Promise.all([1, 2, 3].map(() => startFunction('syncTodoistEvent', env)));
  });

  afterAll(async () => {
    await Promise.all(functions.map((f) => f.kill()));
    await sandbox?.close();
  });

  it('a replay delivered 1–3 times each, shuffled, concurrently → one page per task with the last state', async () => {
    const workload = makeWorkload({ tasks: 24, eventsPerTask: 4, areas: 5, seed: 11 });
    const sends = deliveries(workload.events, 5, 3);
    const pick = rng(3);
    await pool(sends, 12, async (ev, i) => {
      const target = functions[Math.floor(pick() * functions.length)] as FunctionProcess;
      await deliverUntilAcked(
        () => target.url,
        ev.body,
        { deliveryId: ev.deliveryId },
        `m-${ev.deliveryId}-${i}`,
      );
    });

    const view = workspace(sandbox);
    expectWorkloadApplied(view, workload.expected);
    const counts = sandbox.counts();
    console.log(
      JSON.stringify({
        events: workload.events.length,
        deliveries: sends.length,
        notionRequests: counts.total,
        requestsPerEvent: +(counts.total / workload.events.length).toFixed(2),
        byRoute: counts.byRoute,
      }),
    );
  });
});
