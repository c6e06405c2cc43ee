import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPushSubscription, createTopic } from '../support/emulators.js';
import { type FunctionProcess, startFunction, syncEnv } from '../support/functions.js';
import { type NotionSandbox, startNotionSandbox } from '../support/notion-sandbox/index.js';
import { notionSignature } from '../support/notion-sandbox/webhooks.js';
import { testBudget } from '../support/test-budget.js';
import { makeProject, makeTask, startTodoistFake, type TodoistFake } from '../support/todoist-fake/index.js';

const PROJECT = process.env['GOOGLE_CLOUD_PROJECT'] ?? 'demo-nts';
const TODOIST_SECRET = 'two-way-client-secret';
const NOTION_SECRET = 'secret_two_way_verification_token';
const INBOX = '6cVp2Lk7NzQf9BsW';

const title = (text: string) => ({ title: [{ type: 'text', text: { content: text } }] });
const text = (value: unknown) =>
  (
    (value as { title?: unknown[]; rich_text?: unknown[] }).title ??
    (value as { rich_text?: unknown[] }).rich_text ??
    []
  )
    .map((t) => (t as { plain_text?: string }).plain_text ?? '')
    .join('');

/**
 * Both directions through the built functions: the sandbox's signed page events → notionWebhook →
 * Pub/Sub emulator → two syncNotionEvent instances (every message to both) → the Todoist stand-in's
 * /api/v1/sync, whose signed webhooks → todoistWebhook → two syncTodoistEvent instances → the sandbox.
 */
describe('two-way sync, exactly once, without echoes', () => {
  const host = process.env['PUBSUB_EMULATOR_HOST'] ?? '';
  const suffix = randomUUID().slice(0, 8);
  let sandbox: NotionSandbox;
  let todoist: TodoistFake;
  const fns: FunctionProcess[] = [];

  beforeAll(async () => {
    sandbox = await startNotionSandbox();
    const todoistReceiver = await startFunction('todoistWebhook', {
      TODOIST_CLIENT_SECRET: TODOIST_SECRET,
      PUBSUB_TOPIC: `todoist-${suffix}`,
      PUBSUB_EMULATOR_HOST: host,
      GOOGLE_CLOUD_PROJECT: PROJECT,
    });
    const notionReceiver = await startFunction('notionWebhook', {
      NOTION_WEBHOOK_SECRET: NOTION_SECRET,
      NOTION_PUBSUB_TOPIC: `notion-${suffix}`,
      PUBSUB_EMULATOR_HOST: host,
      GOOGLE_CLOUD_PROJECT: PROJECT,
    });
    todoist = await startTodoistFake({
      projects: [makeProject({ id: INBOX, name: 'Inbox', inbox_project: true })],
      tasks: [makeTask({ id: 'T1', content: 'Buy milk', labels: ['area:Home', 'shop'], project_id: INBOX })],
      webhook: { url: todoistReceiver.url, secret: TODOIST_SECRET },
    });
    const env = syncEnv(sandbox, {
      SYNC_DIRECTION: 'two-way',
      TODOIST_API_TOKEN: todoist.token,
      TODOIST_BASE_URL: todoist.url,
      NOTION_INDEX_LAG_MS: '500',
      GOOGLE_CLOUD_PROJECT: PROJECT,
    });
    const [syncA, syncB, notionA, notionB] = await Promise.all([
      startFunction('syncTodoistEvent', env),
      startFunction('syncTodoistEvent', env),
      startFunction('syncNotionEvent', env),
      startFunction('syncNotionEvent', env),
    ]);
    fns.push(todoistReceiver, notionReceiver, syncA!, syncB!, notionA!, notionB!);
    for (const [topic, subscribers] of [
      [`todoist-${suffix}`, [syncA!, syncB!]],
      [`notion-${suffix}`, [notionA!, notionB!]],
    ] as const) {
      await createTopic(host, PROJECT, topic);
      for (const [i, fn] of subscribers.entries())
        await createPushSubscription(
          host,
          PROJECT,
          `${topic}-${i}`,
          topic,
          `${fn.url}/projects/${PROJECT}/topics/${topic}`,
          {
            ackDeadlineSeconds: 20,
            minimumBackoff: 1,
            maximumBackoff: 4,
          },
        );
    }
    sandbox.webhooks.configure({
      url: notionReceiver.url,
      verificationToken: NOTION_SECRET,
      windowMs: 300,
      duplicateRate: 0.5,
      databases: ['todos'],
    });
    // The task reaches Notion first (one-way as before).
    await todoist.personEdit('T1', {});
    await until('the task has its page', () => todoPage('T1') !== undefined);
    await quiet();
  });

  afterAll(async () => {
    await Promise.all(fns.map((f) => f.kill()));
    await todoist?.close();
    await sandbox?.close();
  });

  const todos = () => sandbox.pages({ databaseId: sandbox.databases.todos });
  const todoPage = (taskId: string) => todos().find((p) => text(p.properties['Todoist ID']) === taskId);
  const patches = () => sandbox.counts().byRoute['PATCH /v1/pages/:id'] ?? 0;

  /** What the functions logged at WARNING and above, for a failure message. */
  const problems = () =>
    fns
      .flatMap((f) => f.lines)
      .filter(
        (l) =>
          process.env['TWO_WAY_DEBUG'] !== undefined ||
          /"severity":"(WARNING|ERROR|CRITICAL)"/.test(l) ||
          !l.startsWith('{'),
      )
      .slice(-40)
      .join('\n');

  async function until(what: string, done: () => boolean, budget = testBudget(60_000)) {
    while (!done()) {
      if (budget.remainingMs() === 0) throw new Error(`timed out waiting until ${what}:\n${problems()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Waits until nothing moves: no pending page event, no webhook in flight, no new request for 2.5 s. */
  async function quiet(budget = testBudget(60_000)) {
    let last = -1;
    for (;;) {
      await sandbox.webhooks.flushAll();
      await todoist.settled();
      const now = sandbox.counts().total + todoist.counts().total;
      if (now === last) return;
      if (budget.remainingMs() === 0) throw new Error(`requests never stopped:\n${problems()}`);
      last = now;
      await new Promise((r) => setTimeout(r, 2_500));
    }
  }

  it('a rename in Notion reaches Todoist once, and its Todoist webhook writes nothing back', async () => {
    const page = todoPage('T1');
    const [executedBefore, patchesBefore] = [todoist.executed().length, patches()];
    sandbox.asPerson.edit(page?.id ?? '', { properties: { Name: title('Buy oat milk') } });
    await until(
      'Todoist has the new name',
      () => todoist.state.tasks.get('T1')?.['content'] === 'Buy oat milk',
    );
    await quiet();
    expect(
      todoist
        .executed()
        .slice(executedBefore)
        .map((c) => c.type),
    ).toEqual(['item_update']);
    expect(patches() - patchesBefore).toBe(0);
  });

  it('an edit in Todoist is one Notion write, and the page event it causes sends nothing back', async () => {
    const [executedBefore, patchesBefore] = [todoist.executed().length, patches()];
    await todoist.personEdit('T1', { description: 'semi-skimmed' });
    await until(
      'Notion has the description',
      () => text(todoPage('T1')?.properties['Description']) === 'semi-skimmed',
    );
    await quiet();
    expect(patches() - patchesBefore).toBe(1);
    expect(todoist.executed().length - executedBefore).toBe(0);
  });

  it('a page event redelivered three times is applied once', async () => {
    const page = todoPage('T1');
    const before = todoist.executed().length;
    sandbox.asPerson.edit(page?.id ?? '', { properties: { Priority: { select: { name: 'P1' } } } });
    await until('Todoist has priority 4', () => todoist.state.tasks.get('T1')?.['priority'] === 4);
    const body = JSON.stringify({
      id: 'replayed-event',
      timestamp: new Date().toISOString(),
      type: 'page.properties_updated',
      authors: [{ id: 'someone', type: 'person' }],
      entity: { id: page?.id, type: 'page' },
      data: { parent: { id: sandbox.databases.todos, type: 'database' }, updated_properties: ['Priority'] },
    });
    const receiver = fns[1]!;
    for (let i = 0; i < 3; i++) {
      const res = await fetch(receiver.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-notion-signature': notionSignature(body, NOTION_SECRET),
        },
        body,
      });
      expect(res.status).toBe(200);
    }
    await quiet();
    expect(
      todoist
        .executed()
        .slice(before)
        .map((c) => c.args),
    ).toEqual([{ id: 'T1', priority: 4 }]);
  });

  it('crossing edits of different fields: both arrive, neither clobbers the other', async () => {
    const page = todoPage('T1');
    const before = todoist.executed().length;
    sandbox.asPerson.edit(page?.id ?? '', {
      properties: { Description: { rich_text: [{ type: 'text', text: { content: 'oat, not soy' } }] } },
    });
    await todoist.personEdit('T1', { content: 'Buy oat milk (2 l)' });
    await until('both sides have both edits', () => {
      const p = todoPage('T1')?.properties;
      const t = todoist.state.tasks.get('T1');
      return (
        t?.['description'] === 'oat, not soy' &&
        p !== undefined &&
        text(p['Name']) === 'Buy oat milk (2 l)' &&
        text(p['Description']) === 'oat, not soy'
      );
    });
    await quiet();
    expect(todoist.state.tasks.get('T1')?.['content']).toBe('Buy oat milk (2 l)');
    expect(
      todoist
        .executed()
        .slice(before)
        .map((c) => c.args),
    ).toEqual([{ id: 'T1', description: 'oat, not soy' }]);
  });

  it('crossing edits of the same field: the later one wins on both sides', async () => {
    const page = todoPage('T1');
    sandbox.asPerson.edit(page?.id ?? '', { properties: { Name: title('Milk (Notion, earlier)') } });
    await new Promise((r) => setTimeout(r, 50));
    await todoist.personEdit('T1', { content: 'Milk (Todoist, later)' });
    await quiet();
    expect(todoist.state.tasks.get('T1')?.['content']).toBe('Milk (Todoist, later)');
    expect(text(todoPage('T1')?.properties['Name'])).toBe('Milk (Todoist, later)');
  });

  it('a lost Todoist answer: the resent commands are applied once', async () => {
    const page = todoPage('T1');
    const before = todoist.executed().length;
    todoist.loseNextSyncResponse(1);
    sandbox.asPerson.edit(page?.id ?? '', { properties: { Done: { checkbox: true } } });
    await until('Todoist closed the task', () => todoist.state.tasks.get('T1')?.['checked'] === true);
    await quiet();
    expect(
      todoist
        .executed()
        .slice(before)
        .map((c) => c.type),
    ).toEqual(['item_close']);
  });

  it('a to-do made in Notion, delivered to two instances at once, is exactly one Todoist task', async () => {
    const before = todoist.state.tasks.size;
    const pageId = sandbox.asPerson.create('todos', { Name: title('Call the plumber') });
    await until(
      'the page has its Todoist ID',
      () => text(todos().find((p) => p.id === pageId)?.properties['Todoist ID']) !== '',
    );
    await quiet();
    expect(todoist.executed().filter((c) => c.type === 'item_add')).toHaveLength(1);
    expect(todoist.state.tasks.size).toBe(before + 1);
    expect(todos().filter((p) => text(p.properties['Name']) === 'Call the plumber')).toHaveLength(1);
  });
});
