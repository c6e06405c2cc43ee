import { beforeEach, describe, expect, it } from 'vitest';
import type { SyncContext } from '../../src/handlers/context.js';
import { handleMessage } from '../../src/handlers/handle-message.js';
import { silentLogger } from '../../src/log/logger.js';
import { createSyncContext } from '../../src/runtime.js';
import { createMemoryStore } from '../../src/state/memory.js';
import type { createFakeNotion } from '../support/fake-notion.js';
import { fixtureText as fixture } from '../support/todoist-fake/fixtures.js';
import { fakeWorkspace, IDS, unitConfig } from '../support/unit-context.js';

function setup() {
  const notion = fakeWorkspace();
  const config = unitConfig();
  const ctx = createSyncContext(config, silentLogger, { store: createMemoryStore(), notion: notion.api });
  return { ctx, notion };
}

let n = 0;
async function deliver(ctx: SyncContext, body: string, deliveryId = `d${++n}`) {
  return handleMessage(ctx, { body: Buffer.from(body), attributes: { deliveryId }, messageId: `m${n}` });
}

function withChange(
  body: string,
  change: (ev: { event_name: string; event_data: Record<string, unknown>; triggered_at: string }) => void,
) {
  const ev = JSON.parse(body);
  change(ev);
  return JSON.stringify(ev);
}

describe('syncTodoistEvent logic', () => {
  let ctx: SyncContext;
  let notion: ReturnType<typeof createFakeNotion>;
  beforeEach(() => {
    ({ ctx, notion } = setup());
  });

  it('a new task makes one Todo page, its Area and its Project', async () => {
    expect(await deliver(ctx, fixture('item-added.v1-shape.json'))).toBe('applied');
    const todos = notion.pages(IDS.todos);
    expect(todos).toHaveLength(1);
    expect(notion.text(todos[0]?.properties['Name'])).toBe('Replace the hallway bulb');
    expect(notion.pages(IDS.areas).map((p) => notion.text(p.properties['Name']))).toEqual(['House']);
    expect(notion.pages(IDS.projects)).toHaveLength(1);
  });

  it('a redelivered event does no Notion work', async () => {
    const body = fixture('item-added.v1-shape.json');
    await deliver(ctx, body, 'same');
    notion.resetCounts();
    expect(await deliver(ctx, body, 'same')).toBe('duplicate');
    expect(notion.api.stats().total).toBe(0);
  });

  it('a warm update of a known task is one request', async () => {
    await deliver(ctx, fixture('item-added.v1-shape.json'));
    notion.resetCounts();
    const edited = withChange(fixture('item-added.v1-shape.json'), (ev) => {
      ev.event_name = 'item:updated';
      ev.event_data['content'] = 'Buy oat milk';
      ev.event_data['updated_at'] = '2025-02-10T11:00:00.000000Z';
    });
    expect(await deliver(ctx, edited)).toBe('applied');
    expect(notion.api.stats()).toEqual({ total: 1, byRoute: { 'PATCH /v1/pages/:id': 1 } });
  });

  it('the same state under a new delivery id writes nothing', async () => {
    const body = fixture('item-added.v1-shape.json');
    await deliver(ctx, body);
    notion.resetCounts();
    expect(await deliver(ctx, body)).toBe('duplicate');
    expect(notion.api.stats().total).toBe(0);
  });

  it('an older event arriving after a newer one is skipped as stale', async () => {
    const newer = withChange(fixture('item-added.v1-shape.json'), (ev) => {
      ev.event_name = 'item:updated';
      ev.event_data['content'] = 'newest';
      ev.event_data['updated_at'] = '2025-02-10T12:00:00.000000Z';
    });
    await deliver(ctx, newer);
    expect(await deliver(ctx, fixture('item-added.v1-shape.json'))).toBe('stale');
    expect(notion.text(notion.pages(IDS.todos)[0]?.properties['Name'])).toBe('newest');
  });

  it('item:deleted trashes the page and nothing older revives it', async () => {
    await deliver(ctx, fixture('item-added.v1-shape.json'));
    await deliver(ctx, fixture('item-deleted.json'));
    expect(notion.pages(IDS.todos).map((p) => p.in_trash)).toEqual([true]);
    expect(await deliver(ctx, fixture('item-updated.json'))).toBe('stale');
    expect(notion.pages(IDS.todos).map((p) => p.in_trash)).toEqual([true]);
  });

  it('a deletion that arrives before its task creates nothing', async () => {
    await deliver(ctx, fixture('item-deleted.json'));
    expect(await deliver(ctx, fixture('item-added.v1-shape.json'))).toBe('stale');
    expect(notion.pages(IDS.todos)).toHaveLength(0);
  });

  it('a poison message is acknowledged, not retried', async () => {
    expect(await deliver(ctx, '{"event_name": "item:added", "event_data": 42}')).toBe('poison');
    expect(await deliver(ctx, 'not json')).toBe('poison');
  });

  it('events the sync does not apply are acknowledged', async () => {
    const label = '{"event_name":"label:added","user_id":"5120884","event_data":{"id":"1","name":"x"}}';
    expect(await deliver(ctx, label)).toBe('ignored');
  });
});

describe('assignees', () => {
  const PEOPLE = '44444444444444444444444444444444';
  function setupWithPeople() {
    const notion = fakeWorkspace({ [PEOPLE]: 'people' });
    const config = unitConfig({ NOTION_PEOPLE_DATABASE_ID: PEOPLE });
    const ctx = createSyncContext(config, silentLogger, { store: createMemoryStore(), notion: notion.api });
    return { ctx, notion };
  }

  it('links the People page matched by Todoist ID, then by the email Todoist gave, never creating one', async () => {
    const { ctx, notion } = setupWithPeople();
    const bob = await notion.api.createPage(PEOPLE, {
      Name: { title: [{ text: { content: 'Bob' } }] },
      Email: { email: 'ines@example.org' },
    });
    notion.resetCounts();
    const assigned = withChange(fixture('item-added.v1-shape.json'), (ev) => {
      ev.event_data['responsible_uid'] = '5120884';
    });
    await deliver(ctx, assigned);
    const assignee = notion.pages(IDS.todos)[0]?.properties['Assignee'] as unknown as {
      relation: Array<{ id: string }>;
    };
    // The initiator of the webhook is user 5120884 with ines@example.org: matched by email.
    expect(assignee.relation).toEqual([{ id: bob.id }]);
    expect(notion.pages(PEOPLE)).toHaveLength(1);
    const peopleQueries = notion.api.stats().byRoute['POST /v1/data_sources/:id/query'] ?? 0;

    const edited = withChange(assigned, (ev) => {
      ev.event_name = 'item:updated';
      ev.event_data['content'] = 'Buy oat milk';
      ev.event_data['updated_at'] = '2025-02-10T11:00:00.000000Z';
    });
    notion.resetCounts();
    await deliver(ctx, edited);
    expect(notion.api.stats()).toEqual({ total: 1, byRoute: { 'PATCH /v1/pages/:id': 1 } });
    expect(peopleQueries).toBeGreaterThan(0);
  });
});
