import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FunctionProcess, pushMessage, startFunction } from '../support/functions.js';
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
    const env = {
      NOTION_TOKEN: 'secret-token-for-tests',
      NOTION_BASE_URL: sandbox.url,
      NOTION_AREAS_DATABASE_ID: sandbox.databases.areas,
      NOTION_PROJECTS_DATABASE_ID: sandbox.databases.projects,
      NOTION_TODOS_DATABASE_ID: sandbox.databases.todos,
      NOTION_RPS: '15',
      NOTION_INDEX_LAG_MS: '2500',
      NOTION_TIMEOUT_MS: '4000',
      CLAIM_LEASE_MS: '8000',
      STATE_COLLECTION_PREFIX: `e${randomUUID().slice(0, 8)}`,
      FIRESTORE_EMULATOR_HOST: process.env['FIRESTORE_EMULATOR_HOST'] ?? '',
      GOOGLE_CLOUD_PROJECT: process.env['GOOGLE_CLOUD_PROJECT'] ?? 'demo-nts',
      AUDIT_ON_START: 'false',
      LOG_LEVEL: 'INFO',
    };
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
    expect(view.duplicateTodos).toBe(0);
    expect(view.duplicateAreas).toBe(0);
    for (const [taskId, want] of workload.expected) {
      const pages = view.todosByTask.get(taskId) ?? [];
      if (want.deleted) {
        expect(
          pages.every((p) => p.inTrash),
          `${taskId} deleted → trashed`,
        ).toBe(true);
        continue;
      }
      expect(pages, `${taskId} has one page`).toHaveLength(1);
      const page = pages[0];
      expect(page?.inTrash).toBe(false);
      expect(page?.name).toBe(want.name);
      expect(page?.done).toBe(want.done);
      expect(page?.priority).toBe(want.priority);
      expect(page?.areaIds.map((id) => view.areaName.get(id)).sort()).toEqual(want.areas);
    }
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
