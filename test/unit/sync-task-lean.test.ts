import { describe, expect, it } from 'vitest';
import { ENTITIES } from '../../src/exactly-once/entity-state.js';
import type { SyncContext } from '../../src/handlers/context.js';
import { handleMessage } from '../../src/handlers/handle-message.js';
import { silentLogger } from '../../src/log/logger.js';
import { richText, title } from '../../src/notion/properties.js';
import { createSyncContext } from '../../src/runtime.js';
import { createMemoryStore } from '../../src/state/memory.js';
import type { StateStore } from '../../src/state/store.js';
import { fixtureText as fixture } from '../support/todoist-fake/fixtures.js';
import { fakeWorkspace, IDS, unitConfig } from '../support/unit-context.js';

/** One workspace, one store, and what each instance asked of them. */
function world() {
  const notion = fakeWorkspace();
  const todoQueries: string[] = [];
  const query = notion.api.query.bind(notion.api);
  notion.api.query = async (db, options) => {
    if (db === IDS.todos) todoQueries.push(JSON.stringify(options?.filter ?? null));
    return query(db, options);
  };
  const store = createMemoryStore();
  const entityReads: string[] = [];
  const counted: StateStore = {
    ...store,
    get: async (collection, id) => {
      if (collection === ENTITIES) entityReads.push(id);
      return store.get(collection, id);
    },
  };
  const instance = () =>
    createSyncContext(unitConfig(), silentLogger, { store: counted, notion: notion.api });
  return { notion, todoQueries, entityReads, instance };
}

let n = 0;
function deliver(ctx: SyncContext, body: string) {
  n += 1;
  return handleMessage(ctx, {
    body: Buffer.from(body),
    attributes: { deliveryId: `lean${n}` },
    messageId: `m${n}`,
  });
}

function edit(name: string, content: string, updatedAt: string): string {
  const ev = JSON.parse(fixture('item-added.v1-shape.json'));
  ev.event_name = name;
  ev.event_data.content = content;
  ev.event_data.updated_at = updatedAt;
  return JSON.stringify(ev);
}

describe('a task event asks Notion and the store only what it needs', () => {
  it('a new task’s item:added creates its page without first looking for it', async () => {
    // Prepare
    const { notion, todoQueries, instance } = world();
    // Act
    expect(await deliver(instance(), fixture('item-added.v1-shape.json'))).toBe('applied');
    // Assess: one Todo page, and no query of the Todos database on the way.
    expect(notion.pages(IDS.todos)).toHaveLength(1);
    expect(todoQueries).toEqual([]);
  });

  it('an item:updated of a task never seen still looks, and adopts the page an earlier deployment made', async () => {
    // Prepare: the task's page exists in Notion; the store knows nothing of it.
    const { notion, todoQueries, instance } = world();
    const taskId = String(JSON.parse(fixture('item-added.v1-shape.json')).event_data.id);
    await notion.api.createPage(IDS.todos, {
      Name: title('Replace the hallway bulb'),
      'Todoist ID': richText(taskId),
    });
    // Act
    const updated = edit('item:updated', 'Replace the hallway bulb today', '2025-02-10T11:00:00.000000Z');
    expect(await deliver(instance(), updated)).toBe('applied');
    // Assess: looked up and adopted, no second page.
    expect(todoQueries.length).toBeGreaterThan(0);
    const pages = notion.pages(IDS.todos);
    expect(pages).toHaveLength(1);
    expect(notion.text(pages[0]?.properties['Name'])).toBe('Replace the hallway bulb today');
  });

  it('a warm update on the instance that wrote the task’s state reads no entity state', async () => {
    // Prepare
    const { entityReads, instance } = world();
    const ctx = instance();
    await deliver(ctx, fixture('item-added.v1-shape.json'));
    entityReads.length = 0;
    // Act
    const updated = edit('item:updated', 'Buy oat milk', '2025-02-10T11:00:00.000000Z');
    expect(await deliver(ctx, updated)).toBe('applied');
    // Assess
    expect(entityReads).toEqual([]);
  });

  it('an instance whose remembered state another instance outdated still shows the newest state', async () => {
    // Prepare: A writes the task, B applies a newer edit, A's memory still holds the first state.
    const { notion, instance } = world();
    const a = instance();
    const b = instance();
    await deliver(a, fixture('item-added.v1-shape.json'));
    await deliver(b, edit('item:updated', 'from B', '2025-02-10T12:00:00.000000Z'));
    // Act: an older edit reaches A, then a newer one.
    expect(await deliver(a, edit('item:updated', 'older', '2025-02-10T11:00:00.000000Z'))).toBe('stale');
    expect(await deliver(a, edit('item:updated', 'newest', '2025-02-10T13:00:00.000000Z'))).toBe('applied');
    // Assess
    const pages = notion.pages(IDS.todos);
    expect(pages).toHaveLength(1);
    expect(notion.text(pages[0]?.properties['Name'])).toBe('newest');
  });
});
