import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/reconcile.js';
import { normaliseName } from '../../src/exactly-once/keys.js';
import { silentLogger } from '../../src/log/logger.js';
import { SCHEMA_SPEC } from '../../src/notion/schema.js';
import type { RemapReport } from '../../src/reconcile/remap.js';
import { createSyncContext } from '../../src/runtime.js';
import { createMemoryStore } from '../../src/state/memory.js';
import type { StateStore } from '../../src/state/store.js';
import { corpusFile, corpusInstance, deliverRaw, sandboxEnv, todoView } from '../support/corpus.js';
import { createFakeNotion } from '../support/fake-notion.js';
import { type NotionSandbox, startNotionSandbox } from '../support/notion-sandbox/index.js';
import { IDS, unitConfig } from '../support/unit-context.js';

/*
 * `reconcile --remap`: the mapping changes between two runs; the dry run lists exactly the pages
 * that differ and writes nothing, `--apply` PATCHes only those, and the next run writes nothing.
 */

const TASK = corpusFile<{ event_data: Record<string, unknown> }>('events', '05-item-added.json');

function taskEvent(id: string, labels: string[], extra: Record<string, unknown> = {}): string {
  const data = {
    ...TASK.event_data,
    id,
    labels,
    project_id: null,
    section_id: null,
    url: undefined,
    ...extra,
  };
  return JSON.stringify({ ...TASK, event_data: data });
}

let sandbox: NotionSandbox;
let store: StateStore;
beforeAll(async () => {
  sandbox = await startNotionSandbox({});
});
afterAll(async () => {
  await sandbox?.close();
});
beforeEach(() => {
  sandbox.reset();
  store = createMemoryStore();
});

async function runRemap(args: string[], env: Record<string, string> = {}): Promise<RemapReport> {
  let out = '';
  const io = { stdout: (t: string) => (out += t), stderr: () => undefined, isTTY: false };
  expect(await main(['--remap', '--json', ...args], sandboxEnv(sandbox, env), io, { store })).toBe(0);
  return JSON.parse(out) as RemapReport;
}

const writes = () => {
  const { byRoute } = sandbox.counts();
  return { patch: byRoute['PATCH /v1/pages/:id'] ?? 0, post: byRoute['POST /v1/pages'] ?? 0 };
};

describe('reconcile --remap', () => {
  it('a new Area prefix: the dry run lists exactly the pages that differ, --apply writes only those, then nothing', async () => {
    // Prepare: three tasks shown under the prefix `area:`.
    const ctx = corpusInstance(sandbox, store, []);
    await deliverRaw(ctx, taskEvent('t-home', ['area:Home', 'errand']));
    await deliverRaw(ctx, taskEvent('t-work', ['zone:Work']));
    await deliverRaw(ctx, taskEvent('t-plain', ['errand']));
    const zone = { AREA_LABEL_PREFIX: 'zone:' };

    // Act 1: dry run under the prefix `zone:`.
    const before = writes();
    const dry = await runRemap([], zone);

    // Assess 1: the two tasks whose labels mean something else now; nothing written.
    expect(dry.changes.map((c) => [c.taskId, c.properties])).toEqual([
      ['t-home', ['Area', 'Labels']],
      ['t-work', ['Area', 'Labels']],
    ]);
    expect(writes()).toEqual(before);

    // Act 2 + assess 2: one PATCH per listed page (and the new Area page "Work" made once).
    const applied = await runRemap(['--apply'], zone);
    expect(applied.written).toBe(2);
    expect(writes()).toEqual({ patch: before.patch + 2, post: before.post + 1 });
    expect(todoView(sandbox, 't-work')?.Labels).toEqual([]);
    expect(todoView(sandbox, 't-work')?.Area).toHaveLength(1);
    expect(todoView(sandbox, 't-home')?.Labels).toEqual(['area:Home', 'errand']);

    // Act 3 + assess 3: the next run finds nothing to do.
    const again = await runRemap(['--apply'], zone);
    expect(again.changes).toEqual([]);
    expect(writes()).toEqual({ patch: before.patch + 2, post: before.post + 1 });
  });

  it('the same Todoist version delivered again under a changed mapping is applied, not a duplicate', async () => {
    const body = taskEvent('t-same', ['zone:Work']);
    await deliverRaw(corpusInstance(sandbox, store, []), body);
    const remapped = corpusInstance(sandbox, store, [], { AREA_LABEL_PREFIX: 'zone:' });
    expect(await deliverRaw(remapped, body)).toBe('applied');
    expect(todoView(sandbox, 't-same')?.Labels).toEqual([]);
    expect(await deliverRaw(remapped, body)).toBe('duplicate');
  });

  it('an Area merged by cleanup is never written back: remap and later events link the surviving page', async () => {
    // Prepare: a task in Area "Home"; then cleanup merges that page into another "Home" page.
    const ctx = corpusInstance(sandbox, store, []);
    await deliverRaw(ctx, taskEvent('t-1', ['area:Home']));
    const [merged] = todoView(sandbox, 't-1')?.Area ?? [];
    const survivor = await ctx.notion.createPage(sandbox.databases.areas, {
      Name: { title: [{ type: 'text', text: { content: 'Home' } }] },
    });
    await ctx.ensure.point('area', normaliseName('Home'), survivor.id);
    await ctx.notion.updatePage(merged as string, { inTrash: true });

    // Act + assess: the dry run names the task's Area, the real run writes the surviving page.
    expect((await runRemap([])).changes.map((c) => c.properties)).toEqual([['Area']]);
    await runRemap(['--apply']);
    expect(todoView(sandbox, 't-1')?.Area).toEqual([survivor.id]);

    // A later event carrying only a new title keeps the Area: the surviving page, not the merged one.
    const sparse = JSON.stringify({
      event_name: 'item:updated',
      event_data: { id: 't-1', content: 'Renamed', updated_at: '2026-03-03T08:00:00.000000Z' },
    });
    const fresh = corpusInstance(sandbox, store, []);
    expect(await deliverRaw(fresh, sparse)).toBe('applied');
    expect(todoView(sandbox, 't-1')).toMatchObject({ Name: 'Renamed', Area: [survivor.id] });
  });

  it('a property added to the Todos database reaches the pages already shown, once', async () => {
    // Prepare: a Todos database without Description; two tasks shown there.
    const types = (db: keyof typeof SCHEMA_SPEC) =>
      Object.fromEntries(SCHEMA_SPEC[db].map((p) => [p.property, p.type])) as Record<string, string>;
    const todos = types('todos');
    delete todos['Description'];
    const fake = createFakeNotion({
      [IDS.areas]: types('areas'),
      [IDS.projects]: types('projects'),
      [IDS.todos]: todos,
    });
    const ctx = createSyncContext(unitConfig(), silentLogger, { store, notion: fake.api });
    await deliverRaw(ctx, taskEvent('t-a', [], { description: 'Call before noon' }));
    await deliverRaw(ctx, taskEvent('t-b', [], { description: 'Bring the invoice' }));
    const described = () =>
      fake.pages(IDS.todos).map((p) => fake.text(p.properties['Description'] as Record<string, unknown>));

    // Act: the user adds the property in Notion, then remaps.
    todos['Description'] = 'rich_text';
    const env = {
      NOTION_TOKEN: 'token-for-tests',
      NOTION_AREAS_DATABASE_ID: IDS.areas,
      NOTION_PROJECTS_DATABASE_ID: IDS.projects,
      NOTION_TODOS_DATABASE_ID: IDS.todos,
      STATE_STORE: 'memory',
      NOTION_INDEX_LAG_MS: '1',
    };
    const run = async (args: string[]) => {
      let out = '';
      const io = { stdout: (t: string) => (out += t), stderr: () => undefined, isTTY: false };
      expect(await main(['--remap', '--json', ...args], env, io, { store, wrapNotion: () => fake.api })).toBe(
        0,
      );
      return JSON.parse(out) as RemapReport;
    };
    fake.resetCounts();
    const dry = await run([]);
    const applied = await run(['--apply']);
    const patches = fake.api.stats().byRoute['PATCH /v1/pages/:id'];
    const again = await run(['--apply']);

    // Assess
    expect(dry.changes.map((c) => [c.taskId, c.properties])).toEqual([
      ['t-a', ['Description']],
      ['t-b', ['Description']],
    ]);
    expect(applied.written).toBe(2);
    expect(patches).toBe(2);
    expect(described().sort()).toEqual(['Bring the invoice', 'Call before noon']);
    expect(again.changes).toEqual([]);
    expect(fake.api.stats().byRoute['PATCH /v1/pages/:id']).toBe(2);
  });
});
