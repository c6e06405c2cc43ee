/**
 * `npm run demo -- --two-way`: an edit made in the local Notion reaches a local Todoist stand-in and
 * comes back without an echo, and the other way round. Signed webhooks both ways through the real
 * receivers, an in-process at-least-once queue into the real handlers, and the figures per edit.
 */
import type { Server } from 'node:http';
import { loadConfig } from '../../src/config/index.js';
import { handleMessage } from '../../src/handlers/handle-message.js';
import { handleNotionMessage } from '../../src/handlers/notion-event.js';
import type { Logger } from '../../src/log/logger.js';
import { createNotionApi } from '../../src/notion/client.js';
import { createSyncContext } from '../../src/runtime.js';
import type { Publish } from '../../src/webhook/http.js';
import { createNotionWebhookHandler } from '../../src/webhook/notion-receiver.js';
import { notionSignatureCheck } from '../../src/webhook/notion-signature.js';
import { createWebhookHandler } from '../../src/webhook/receiver.js';
import { startNotionSandbox } from '../../test/support/notion-sandbox/index.js';
import { makeProject, makeTask, startTodoistFake } from '../../test/support/todoist-fake/index.js';
import { createDeliveryQueue } from './delivery-queue.js';
import { type Handler, serve, plainText as text, until } from './loopback-receiver.js';
import { DEMO_CLIENT_SECRET, MEMORY_STORE, syncEnv } from './sync-env.js';

const NOTION_SECRET = 'secret_demo_notion_verification_token';
/** Notion collects a page's changes into one event over a short window (usually under a minute). */
const WINDOW_MS = 1_000;

/** Runs the two-way demo; resolves with the exit code. */
export async function runTwoWayDemo(say: (line: string) => void, logger: Logger): Promise<number> {
  const sandbox = await startNotionSandbox({ rps: 3, seed: 1 });
  const todoistServers: Server[] = [];
  const inbox = '6cVp2Lk7NzQf9BsW';
  let todoist: Awaited<ReturnType<typeof startTodoistFake>> | undefined;
  try {
    const base = syncEnv(sandbox, MEMORY_STORE.env, {
      SYNC_DIRECTION: 'two-way',
      NOTION_INDEX_LAG_MS: '500',
    });
    const queueFor = (
      handle: (m: { data: Buffer; attributes: Record<string, string>; messageId: string }) => Promise<string>,
    ) => createDeliveryQueue({ concurrency: 4, handle });
    // The Todoist stand-in needs the receiver's URL and the sync needs the stand-in's: receivers first.
    let todoistQueue: ReturnType<typeof queueFor> | undefined;
    let notionQueue: ReturnType<typeof queueFor> | undefined;
    const publishTo =
      (queue: () => ReturnType<typeof queueFor> | undefined): Publish =>
      async (data, attributes) => {
        const q = queue();
        if (!q) throw new Error('not ready');
        const id = await q.publish(data, attributes);
        q.redeliver(id, 300); // at least once: every message comes twice
        return id;
      };
    const todoistReceiver = await serve(
      createWebhookHandler({
        secret: DEMO_CLIENT_SECRET,
        publish: publishTo(() => todoistQueue),
        logger,
      }) as Handler,
    );
    const notionReceiver = await serve(
      createNotionWebhookHandler({
        verify: notionSignatureCheck(NOTION_SECRET),
        publish: publishTo(() => notionQueue),
        logger,
      }) as Handler,
    );
    todoistServers.push(todoistReceiver.server, notionReceiver.server);
    todoist = await startTodoistFake({
      projects: [makeProject({ id: inbox, name: 'Inbox', inbox_project: true })],
      tasks: [makeTask({ id: 'T1', content: 'Buy milk', labels: ['area:Home'], project_id: inbox })],
      webhook: { url: todoistReceiver.url, secret: DEMO_CLIENT_SECRET },
    });
    const env = { ...base, TODOIST_API_TOKEN: todoist.token, TODOIST_BASE_URL: todoist.url };
    const config = loadConfig(env, 'notion-sync');
    const notion = createNotionApi({ config: config.notion, logger });
    const ctx = createSyncContext(config, logger, { notion });
    todoistQueue = queueFor(async (m) =>
      handleMessage(ctx, { body: m.data, attributes: m.attributes, messageId: m.messageId }),
    );
    notionQueue = queueFor(async (m) =>
      handleNotionMessage(ctx, { body: m.data, attributes: m.attributes, messageId: m.messageId }),
    );
    sandbox.webhooks.configure({
      url: notionReceiver.url,
      verificationToken: NOTION_SECRET,
      windowMs: WINDOW_MS,
      databases: ['todos'],
    });
    say(
      `Notion sandbox ${sandbox.url}, Todoist stand-in ${todoist.url}; page events batched over ${WINDOW_MS} ms`,
    );

    const fake = todoist;
    const page = () =>
      sandbox
        .pages({ databaseId: sandbox.databases.todos })
        .find((p) => text(p.properties['Todoist ID']) === 'T1');
    const settle = async () => {
      for (let last = -1; ; ) {
        await sandbox.webhooks.flushAll();
        await fake.settled();
        await todoistQueue?.idle();
        await notionQueue?.idle();
        const now = sandbox.counts().total + fake.counts().total;
        if (now === last) return;
        last = now;
        await new Promise((r) => setTimeout(r, WINDOW_MS + 300));
      }
    };
    await fake.personEdit('T1', {});
    await until(() => page() !== undefined);
    await settle();

    const measure = async (label: string, act: () => Promise<void> | void, arrived: () => boolean) => {
      const before = {
        notion: sandbox.counts(),
        todoist: fake.counts().total,
        writes: fake.executed().length,
      };
      const t0 = performance.now();
      await act();
      await until(arrived);
      const seconds = (performance.now() - t0) / 1000;
      await settle();
      const after = sandbox.counts();
      const row = {
        label,
        seconds,
        notionRequests: after.total - before.notion.total,
        notionWrites:
          (after.byRoute['PATCH /v1/pages/:id'] ?? 0) - (before.notion.byRoute['PATCH /v1/pages/:id'] ?? 0),
        todoistRequests: fake.counts().total - before.todoist,
        todoistWrites: fake.executed().length - before.writes,
      };
      say(
        `${label}: on the other side after ${row.seconds.toFixed(2)} s; Notion requests ${row.notionRequests} (writes ${row.notionWrites}), Todoist requests ${row.todoistRequests} (commands applied ${row.todoistWrites})`,
      );
      return row;
    };
    const pageId = page()?.id ?? '';
    const rename = await measure(
      'Notion rename → Todoist',
      () =>
        sandbox.asPerson.edit(pageId, {
          properties: { Name: { title: [{ type: 'text', text: { content: 'Buy oat milk' } }] } },
        }),
      () => fake.state.tasks.get('T1')?.['content'] === 'Buy oat milk',
    );
    const done = await measure(
      'Notion Done → Todoist',
      () => sandbox.asPerson.edit(pageId, { properties: { Done: { checkbox: true } } }),
      () => fake.state.tasks.get('T1')?.['checked'] === true,
    );
    const back = await measure(
      'Todoist rename → Notion',
      () => fake.personEdit('T1', { content: 'Buy oat milk, 2 l' }),
      () => text(page()?.properties['Name']) === 'Buy oat milk, 2 l',
    );
    const echoes = rename.notionWrites + done.notionWrites + back.todoistWrites;
    const agree = text(page()?.properties['Name']) === fake.state.tasks.get('T1')?.['content'];
    say(
      `echo writes: ${echoes} (Notion writes after a Notion edit, Todoist commands after a Todoist edit); both sides agree: ${agree ? 'yes' : 'NO'}`,
    );
    await notion.close();
    return echoes === 0 && agree && rename.todoistWrites === 1 && done.todoistWrites === 1 ? 0 : 1;
  } finally {
    for (const s of todoistServers) s.close();
    await todoist?.close();
    await sandbox.close();
  }
}
