import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { readEntity } from '../../src/exactly-once/entity-state.js';
import type { SyncContext } from '../../src/handlers/context.js';
import { handleMessage } from '../../src/handlers/handle-message.js';
import { syncSectionSnapshot } from '../../src/handlers/sections.js';
import { PENDING_PARENTS } from '../../src/handlers/subtasks.js';
import { silentLogger } from '../../src/log/logger.js';
import { createSyncContext } from '../../src/runtime.js';
import { createMemoryStore } from '../../src/state/memory.js';
import type { TodoistApi } from '../../src/todoist/api.js';
import { sectionSchema } from '../../src/todoist/schemas.js';
import { fixtureJson } from '../support/todoist-fake/fixtures.js';
import { fakeWorkspace, IDS, unitConfig } from '../support/unit-context.js';

const BASE = fixtureJson('item-added.v1-shape.json');

const at = (minute: number) => `2025-02-10T11:${String(minute).padStart(2, '0')}:00.000000Z`;

/** A task event: the v1 fixture with these fields, stamped `minute`. */
function taskEvent(task: Record<string, unknown>, minute: number, eventName = 'item:added'): string {
  const data = { ...BASE.event_data, labels: [], updated_at: at(minute), ...task };
  return JSON.stringify({ ...BASE, event_name: eventName, event_data: data, triggered_at: at(minute) });
}

function sectionEvent(section: Record<string, unknown>, minute: number, eventName = 'section:added'): string {
  const data = { project_id: 'projA', is_deleted: false, is_archived: false, ...section };
  return JSON.stringify({ ...BASE, event_name: eventName, event_data: data, triggered_at: at(minute) });
}

/** A Todoist API that knows sections only, counting the reads. */
function sectionsApi(names: Record<string, string>) {
  const calls: string[] = [];
  const none = async function* () {};
  const api: TodoistApi = {
    getProject: async () => undefined,
    getProjects: none,
    getTask: async () => undefined,
    getTasks: none,
    getCompletedTasks: none,
    getCollaborators: none,
    async getSection(id) {
      calls.push(id);
      const name = names[id];
      return name === undefined ? undefined : v.parse(sectionSchema, { id, name, project_id: 'projA' });
    },
  };
  return { api, calls };
}

function setup(todoist?: TodoistApi) {
  const notion = fakeWorkspace();
  const config = unitConfig();
  const store = createMemoryStore();
  const ctx = createSyncContext(config, silentLogger, {
    store,
    notion: notion.api,
    ...(todoist ? { todoist } : {}),
  });
  const page = (taskId: string) =>
    notion.pages(IDS.todos).find((p) => notion.text(p.properties['Todoist ID']) === taskId);
  const parentOf = (taskId: string) =>
    (page(taskId)?.properties['Parent'] as { relation?: Array<{ id: string }> } | undefined)?.relation;
  const sectionOf = (taskId: string) =>
    (page(taskId)?.properties['Section'] as { select?: { name: string } | null } | undefined)?.select;
  return { ctx, notion, store, page, parentOf, sectionOf };
}

let n = 0;
async function deliver(ctx: SyncContext, body: string) {
  n += 1;
  return handleMessage(ctx, {
    body: Buffer.from(body),
    attributes: { deliveryId: `d${n}` },
    messageId: `m${n}`,
  });
}

describe('subtasks: Parent', () => {
  it('a subtask whose parent page is known links it in the write that creates it', async () => {
    const { ctx, notion, page, parentOf } = setup();
    await deliver(ctx, taskEvent({ id: 'P1', content: 'Trip' }, 1));
    notion.resetCounts();
    expect(await deliver(ctx, taskEvent({ id: 'C1', content: 'Pack', parent_id: 'P1' }, 2))).toBe('applied');
    expect(parentOf('C1')).toEqual([{ id: page('P1')?.id }]);
    expect(notion.api.stats().byRoute['PATCH /v1/pages/:id']).toBeUndefined();
  });

  it('a subtask arriving before its parent gets its Parent once the parent arrives, with one PATCH', async () => {
    const { ctx, notion, store, page, parentOf } = setup();
    expect(await deliver(ctx, taskEvent({ id: 'C2', content: 'Pack', parent_id: 'P2' }, 2))).toBe('applied');
    expect(page('C2')).toBeDefined();
    expect(parentOf('C2')).toBeUndefined(); // left out, not cleared: no parent page exists yet
    expect(notion.pages(IDS.todos)).toHaveLength(1); // the child never creates its parent
    expect(await store.list(PENDING_PARENTS)).toHaveLength(1);

    notion.resetCounts();
    expect(await deliver(ctx, taskEvent({ id: 'P2', content: 'Trip' }, 3))).toBe('applied');
    expect(parentOf('C2')).toEqual([{ id: page('P2')?.id }]);
    expect(notion.api.stats().byRoute['PATCH /v1/pages/:id']).toBe(1);
    expect(await store.list(PENDING_PARENTS)).toHaveLength(0);
    // The stored state says what Notion shows: nothing left to write, nothing a dry run calls drift.
    const child = await readEntity(store, 'todo', 'C2');
    expect(child?.data.appliedHash).toBe(child?.data.desiredHash);
    expect(JSON.parse(child?.data.desired ?? '{}')['Parent']).toEqual({ relation: [{ id: page('P2')?.id }] });

    notion.resetCounts();
    expect(
      await deliver(ctx, taskEvent({ id: 'P2', content: 'Trip', description: 'x' }, 4, 'item:updated')),
    ).toBe('applied');
    expect(notion.api.stats().byRoute['PATCH /v1/pages/:id']).toBe(1); // the parent only
  });

  it('a child moved to the top level before its parent arrives is not linked to the old parent', async () => {
    const { ctx, parentOf } = setup();
    await deliver(ctx, taskEvent({ id: 'C3', parent_id: 'P3' }, 2));
    await deliver(ctx, taskEvent({ id: 'C3', parent_id: null }, 3, 'item:updated'));
    expect(parentOf('C3')).toEqual([]);
    await deliver(ctx, taskEvent({ id: 'P3' }, 4));
    expect(parentOf('C3')).toEqual([]);
  });
});

describe('sections: Section', () => {
  it('shows the name from section events; an unknown section without a token is left out', async () => {
    const { ctx, sectionOf } = setup();
    expect(await deliver(ctx, sectionEvent({ id: 'S1', name: 'Errands' }, 1))).toBe('applied');
    await deliver(ctx, taskEvent({ id: 'T1', section_id: 'S1' }, 2));
    await deliver(ctx, taskEvent({ id: 'T2', section_id: 'S-unknown' }, 2));
    await deliver(ctx, taskEvent({ id: 'T3', section_id: null }, 2));
    expect(sectionOf('T1')).toEqual({ name: 'Errands' });
    expect(sectionOf('T2')).toBeUndefined();
    expect(sectionOf('T3')).toBeNull();
  });

  it('names an unknown section from the Todoist API when a token is set, reading it once', async () => {
    const { api, calls } = sectionsApi({ S4: 'Later, maybe' });
    const { ctx, sectionOf } = setup(api);
    await deliver(ctx, taskEvent({ id: 'T4', section_id: 'S4' }, 2));
    await deliver(ctx, taskEvent({ id: 'T5', section_id: 'S4' }, 2));
    expect(sectionOf('T4')).toEqual({ name: 'Later maybe' }); // Notion refuses commas in options
    expect(sectionOf('T5')).toEqual({ name: 'Later maybe' });
    expect(calls).toEqual(['S4']);
  });

  it("a rename relabels that section's pages, not a same-named section of another project", async () => {
    const { ctx, notion, sectionOf } = setup();
    await deliver(ctx, sectionEvent({ id: 'S6', name: 'Next', project_id: 'projA' }, 1));
    await deliver(ctx, sectionEvent({ id: 'S7', name: 'Next', project_id: 'projB' }, 1));
    await deliver(ctx, taskEvent({ id: 'T6', section_id: 'S6', project_id: 'projA' }, 2));
    await deliver(ctx, taskEvent({ id: 'T7', section_id: 'S7', project_id: 'projB' }, 2));

    expect(
      await deliver(ctx, sectionEvent({ id: 'S6', name: 'Soon', project_id: 'projA' }, 5, 'section:updated')),
    ).toBe('applied');
    expect(sectionOf('T6')).toEqual({ name: 'Soon' });
    expect(sectionOf('T7')).toEqual({ name: 'Next' });
    await deliver(ctx, taskEvent({ id: 'T8', section_id: 'S6', project_id: 'projA' }, 6));
    expect(sectionOf('T8')).toEqual({ name: 'Soon' });
    // An older event arriving late changes nothing.
    expect(await deliver(ctx, sectionEvent({ id: 'S6', name: 'Next', project_id: 'projA' }, 1))).toBe(
      'stale',
    );
    expect(sectionOf('T6')).toEqual({ name: 'Soon' });
    // The stored state followed the relabel: a newer event with the same content writes nothing.
    notion.resetCounts();
    expect(
      await deliver(ctx, taskEvent({ id: 'T6', section_id: 'S6', project_id: 'projA' }, 7, 'item:updated')),
    ).toBe('unchanged');
    expect(notion.api.stats().total).toBe(0);
  });

  it('a reconcile snapshot renames like an event when newer; a nameless deletion keeps the name', async () => {
    const { ctx, sectionOf } = setup();
    await deliver(ctx, sectionEvent({ id: 'S9', name: 'Inbox' }, 1));
    await deliver(ctx, taskEvent({ id: 'T9', section_id: 'S9', project_id: 'projA' }, 2));
    const older = v.parse(sectionSchema, { id: 'S9', name: 'Old', project_id: 'projA', updated_at: at(0) });
    expect(await syncSectionSnapshot(ctx, older)).toBe('stale');
    const newer = v.parse(sectionSchema, {
      id: 'S9',
      name: 'Triage',
      project_id: 'projA',
      updated_at: at(8),
    });
    expect(await syncSectionSnapshot(ctx, newer)).toBe('applied');
    expect(sectionOf('T9')).toEqual({ name: 'Triage' });
    expect(await deliver(ctx, sectionEvent({ id: 'S9', name: null }, 9, 'section:deleted'))).toBe('applied');
    await deliver(ctx, taskEvent({ id: 'T9', section_id: 'S9', project_id: 'projA' }, 10, 'item:updated'));
    expect(sectionOf('T9')).toEqual({ name: 'Triage' });
  });
});
