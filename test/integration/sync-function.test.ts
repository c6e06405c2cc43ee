import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectWorkloadApplied } from '../support/expect-workload.js';
import { type FunctionProcess, pushMessage, startFunction, syncEnv } from '../support/functions.js';
import { type NotionSandbox, startNotionSandbox } from '../support/notion-sandbox/index.js';
import { todoView, workspace } from '../support/notion-view.js';
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
      DUE_AS_RANGE: 'true',
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

  it("two people's webhooks for each change of a shared task, on two instances at once → one page, one apply per change", async () => {
    // Prepare: one shared task as Todoist delivers it to Alice (5120884) and to Bob (7734001).
    const change = (userId: string, version: number) =>
      JSON.stringify({
        event_name: version === 1 ? 'item:added' : 'item:updated',
        user_id: userId,
        triggered_at: `2026-03-0${version}T09:00:00.000000Z`,
        event_data: {
          id: 'shared-plumber',
          content: version === 1 ? 'Book the plumber' : 'Book the plumber for Friday',
          project_id: 'shared-home',
          user_id: '5120884',
          updated_at: `2026-03-0${version}T09:00:00.000000Z`,
          due: {
            date: '2026-03-06T08:00:00Z',
            timezone: 'Europe/Berlin',
            is_recurring: false,
            string: 'fri 9am',
          },
          duration: { amount: 90, unit: 'minute' },
          deadline: { date: '2026-03-09', lang: 'en' },
        },
      });
    const before = sandbox.counts().byRoute;
    const [alice, bob] = functions as [FunctionProcess, FunctionProcess];

    // Act: each change reaches both instances at once, one delivery per person.
    for (const version of [1, 2]) {
      await Promise.all(
        [
          [alice, '5120884'],
          [bob, '7734001'],
        ].map(([fn, user]) =>
          deliverUntilAcked(
            () => (fn as FunctionProcess).url,
            change(user as string, version),
            { deliveryId: `shared-${version}-${user}` },
            `m-shared-${version}-${user}`,
          ),
        ),
      );
    }

    // Assess: one page with the last state; one create for the task (and one for its project), one update.
    const pages = sandbox
      .pages({ databaseId: sandbox.databases.todos, includeTrashed: true })
      .filter((p) => todoView(p).todoistId === 'shared-plumber');
    expect(pages).toHaveLength(1);
    const page = pages[0] as (typeof pages)[number];
    expect(todoView(page).name).toBe('Book the plumber for Friday');
    expect(page.properties['Due']).toMatchObject({
      date: { start: '2026-03-06T09:00:00', end: '2026-03-06T10:30:00', time_zone: 'Europe/Berlin' },
    });
    expect(page.properties['Deadline']).toMatchObject({ date: { start: '2026-03-09' } });
    expect(page.properties['Duration']).toMatchObject({ number: 90 });
    const after = sandbox.counts().byRoute;
    const delta = (route: string) => (after[route] ?? 0) - (before[route] ?? 0);
    expect(delta('POST /v1/pages')).toBe(2);
    expect(delta('PATCH /v1/pages/:id')).toBe(1);
  });
});
