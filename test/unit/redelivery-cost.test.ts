import { describe, expect, it } from 'vitest';
import { countingStore } from '../../scripts/lib/counting-store.js';
import type { SyncContext } from '../../src/handlers/context.js';
import { handleMessage } from '../../src/handlers/handle-message.js';
import { silentLogger } from '../../src/log/logger.js';
import { createSyncContext } from '../../src/runtime.js';
import { createMemoryStore } from '../../src/state/memory.js';
import { fixtureText as fixture, fixtureJson } from '../support/todoist-fake/fixtures.js';
import { fakeWorkspace, IDS, unitConfig } from '../support/unit-context.js';

/*
 * What a delivery that changes nothing costs: Pub/Sub redelivers, Todoist retries, an older edit
 * arrives late. Each is decided on the entity's own state, so it costs one Firestore read (none on
 * the instance that wrote that state), no write, no Notion request, and leaves no record behind.
 */

/** One workspace and one store, the store counting what Firestore would bill. */
function world() {
  const notion = fakeWorkspace();
  const store = countingStore(createMemoryStore());
  const instance = () => createSyncContext(unitConfig(), silentLogger, { store, notion: notion.api });
  /** Billable operations and Notion requests of `work` alone. */
  const cost = async (work: () => Promise<unknown>) => {
    const before = store.counts();
    notion.resetCounts();
    await work();
    const after = store.counts();
    return {
      reads: after.reads - before.reads,
      writes: after.writes - before.writes,
      deletes: after.deletes - before.deletes,
      notion: notion.api.stats().total,
    };
  };
  return { notion, store, instance, cost };
}

function deliver(ctx: SyncContext, body: string, deliveryId: string) {
  return handleMessage(ctx, {
    body: Buffer.from(body),
    attributes: { deliveryId },
    messageId: `m-${deliveryId}`,
  });
}

/** The fixture task at another Todoist version (`change` may also name another task). */
function taskAt(updatedAt: string, content: string, change: Record<string, unknown> = {}): string {
  const ev = fixtureJson('item-added.v1-shape.json');
  ev['event_name'] = 'item:updated';
  Object.assign(ev.event_data, { updated_at: updatedAt, content, ...change });
  return JSON.stringify(ev);
}

const NOTHING = { reads: 0, writes: 0, deletes: 0, notion: 0 };
const ONE_READ = { reads: 1, writes: 0, deletes: 0, notion: 0 };

describe('a redelivery costs one read at most, yet finishes what a dead delivery left undone', () => {
  it('a task event redelivered to another instance: one read, no write, no Notion request', async () => {
    // Prepare: instance A applies the event; B is warm (it has handled another task).
    const { notion, instance, cost } = world();
    const [a, b] = [instance(), instance()];
    await deliver(b, taskAt('2025-02-10T09:00:00.000000Z', 'Another task', { id: 'otherTask1' }), 'warm');
    await deliver(a, fixture('item-added.v1-shape.json'), 'd1');
    // Act
    let outcome: unknown;
    const spent = await cost(async () => {
      outcome = await deliver(b, fixture('item-added.v1-shape.json'), 'd1');
    });
    // Assess
    expect(outcome).toBe('duplicate');
    expect(spent).toEqual(ONE_READ);
    const named = (name: string) =>
      notion.pages(IDS.todos).filter((p) => notion.text(p.properties['Name']) === name);
    expect(named('Replace the hallway bulb')).toHaveLength(1);
  });

  it('on the instance that wrote the state, a redelivery costs nothing at all', async () => {
    const { instance, cost } = world();
    const ctx = instance();
    await deliver(ctx, fixture('item-added.v1-shape.json'), 'd1');

    const spent = await cost(() => deliver(ctx, fixture('item-added.v1-shape.json'), 'd1'));

    expect(spent).toEqual(NOTHING);
  });

  it('an older event arriving late: one read on another instance, none on the writer, never a write', async () => {
    // Prepare: the newer edit is applied by A; B is warm with another task.
    const { notion, instance, cost } = world();
    const [a, b] = [instance(), instance()];
    await deliver(b, taskAt('2025-02-10T09:00:00.000000Z', 'Another task', { id: 'otherTask1' }), 'warm');
    await deliver(a, fixture('item-added.v1-shape.json'), 'added');
    await deliver(a, taskAt('2025-02-10T12:00:00.000000Z', 'newest'), 'newer');
    const older = taskAt('2025-02-10T11:00:00.000000Z', 'older');
    // Act
    const elsewhere = await cost(() => deliver(b, older, 'older-1'));
    const onWriter = await cost(() => deliver(a, older, 'older-2'));
    // Assess
    expect(elsewhere).toEqual(ONE_READ);
    expect(onWriter).toEqual(NOTHING);
    const names = notion.pages(IDS.todos).map((p) => notion.text(p.properties['Name']));
    expect(names.sort()).toEqual(['Another task', 'newest']);
  });

  it('a redelivery after a delivery died between its commit and its page still makes the page, once', async () => {
    // Prepare: the first delivery commits the task's state, then dies on its way to Notion.
    const { notion, instance } = world();
    const create = notion.api.createPage.bind(notion.api);
    let dies = true;
    notion.api.createPage = async (db, properties, options) => {
      if (db === IDS.todos && dies) {
        dies = false;
        throw new Error('process killed');
      }
      return create(db, properties, options);
    };
    await expect(deliver(instance(), fixture('item-added.v1-shape.json'), 'd1')).rejects.toThrow(
      'process killed',
    );
    // Act
    const outcome = await deliver(instance(), fixture('item-added.v1-shape.json'), 'd1');
    // Assess
    expect(outcome).toBe('applied');
    expect(notion.pages(IDS.todos)).toHaveLength(1);
  });

  it('a project event redelivered: one read, no write, no Notion request', async () => {
    const { notion, instance, cost } = world();
    const ctx = instance();
    expect(await deliver(ctx, fixture('project-added.json'), 'p1')).toBe('applied');

    let outcome: unknown;
    const spent = await cost(async () => {
      outcome = await deliver(instance(), fixture('project-added.json'), 'p1');
    });

    expect(outcome).toBe('duplicate');
    expect(spent).toEqual(ONE_READ);
    expect(notion.pages(IDS.projects)).toHaveLength(1);
  });

  it('a section event redelivered: one read, no write, no Notion request', async () => {
    const { instance, cost } = world();
    const base = fixtureJson('item-added.v1-shape.json');
    const section = JSON.stringify({
      ...base,
      event_name: 'section:added',
      event_data: { id: 'sec1', name: 'Soon', project_id: 'projA', is_deleted: false, is_archived: false },
      triggered_at: '2025-02-10T11:00:00.000000Z',
    });
    expect(await deliver(instance(), section, 's1')).toBe('applied');

    let outcome: unknown;
    const spent = await cost(async () => {
      outcome = await deliver(instance(), section, 's1');
    });

    expect(outcome).toBe('duplicate');
    expect(spent).toEqual(ONE_READ);
  });

  it('a redelivery leaves no record behind: nothing for a TTL policy to delete', async () => {
    const { store, instance } = world();
    const ctx = instance();

    await deliver(ctx, fixture('item-added.v1-shape.json'), 'd1');
    await deliver(instance(), fixture('item-added.v1-shape.json'), 'd1');

    expect(store.byCollection()['ledger']).toBeUndefined();
  });
});
