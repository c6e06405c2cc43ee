import { APIResponseError, Client, LogLevel } from '@notionhq/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type NotionSandbox, startNotionSandbox } from '../support/notion-sandbox/index.js';

type Version = '2022-06-28' | '2025-09-03' | '2026-03-11';
type Json = Record<string, unknown>;

const text = (content: string) => [{ type: 'text' as const, text: { content } }];
const quiet = { logLevel: LogLevel.ERROR, logger: () => {} };

function client(sandbox: NotionSandbox, notionVersion: Version): Client {
  return new Client({ auth: 'x', baseUrl: sandbox.url, notionVersion, retry: false, ...quiet });
}

/** POST /v1/databases as each version shapes it: properties at the top (2022) or in initial_data_source. */
function createBody(version: Version, parent: string, title: string, properties: Json): Json {
  const base = { parent: { type: 'page_id', page_id: parent }, title: text(title) };
  return version === '2022-06-28'
    ? { ...base, properties }
    : { ...base, initial_data_source: { properties } };
}

async function refusal(
  promise: Promise<unknown>,
): Promise<{ status: number; code: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof APIResponseError)
      return { status: error.status, code: error.code, message: error.message };
    throw error;
  }
  throw new Error('the request was accepted');
}

describe('Notion sandbox: databases made and changed over the API', () => {
  let sandbox: NotionSandbox;
  beforeEach(async () => {
    sandbox = await startNotionSandbox({});
  });
  afterEach(async () => {
    await sandbox.close();
  });

  it.each<Version>(['2022-06-28', '2025-09-03', '2026-03-11'])(
    '%s: a database made in a page has its properties, relations and options; pages can be written to it',
    async (version) => {
      const notion = client(sandbox, version);
      const areas = (await notion.request({
        path: 'databases',
        method: 'post',
        body: createBody(version, sandbox.parentPageId, 'Areas', { Name: { title: {} } }),
      })) as Json & { id: string; data_sources?: Array<{ id: string }> };
      const areasSource = sandbox.listDatabases().find((d) => d.id === areas.id)?.dataSourceId ?? '';
      const relation =
        version === '2022-06-28'
          ? { database_id: areas.id, single_property: {} }
          : { data_source_id: areasSource, type: 'single_property', single_property: {} };
      const todos = (await notion.request({
        path: 'databases',
        method: 'post',
        body: createBody(version, sandbox.parentPageId, 'Todos', {
          Name: { title: {} },
          'Todoist ID': { rich_text: {} },
          Priority: { select: { options: [{ name: 'P1', color: 'red' }, { name: 'P2' }] } },
          Area: { relation },
        }),
      })) as Json & { id: string };

      if (version === '2022-06-28') expect(todos['properties']).toBeDefined();
      else expect(areas.data_sources).toEqual([{ id: areasSource, name: 'Areas' }]);
      expect('archived' in todos).toBe(version !== '2026-03-11');
      const made = sandbox.listDatabases().find((d) => d.id === todos.id);
      expect(made).toMatchObject({ title: 'Todos', parentPageId: sandbox.parentPageId });
      expect(made?.properties).toEqual([
        { name: 'Name', type: 'title', options: [] },
        { name: 'Todoist ID', type: 'rich_text', options: [] },
        { name: 'Priority', type: 'select', options: ['P1', 'P2'] },
        { name: 'Area', type: 'relation', relation: areas.id, options: [] },
      ]);
      const children = await notion.blocks.children.list({ block_id: sandbox.parentPageId });
      expect(children.results.map((b) => (b as unknown as Json)['child_database'])).toEqual([
        { title: 'Areas' },
        { title: 'Todos' },
      ]);

      const area = await notion.pages.create({
        parent: { database_id: areas.id },
        properties: { Name: { title: text('Home') } },
      });
      const todo = await notion.pages.create({
        parent: { database_id: todos.id },
        properties: {
          Name: { title: text('Buy milk') },
          Priority: { select: { name: 'P1' } },
          Area: { relation: [{ id: area.id }] },
        },
      });
      expect(sandbox.pages({ databaseId: todos.id }).map((p) => p.id)).toEqual([todo.id]);
    },
  );

  it('2025-09-03: PATCH /v1/data_sources adds, renames and removes properties; existing pages gain empty values', async () => {
    const notion = client(sandbox, '2025-09-03');
    const page = await notion.pages.create({
      parent: { data_source_id: sandbox.dataSources.todos },
      properties: { Name: { title: text('Walk') } },
    });

    await notion.request({
      path: `data_sources/${sandbox.dataSources.todos}`,
      method: 'patch',
      body: {
        properties: {
          Deadline: { date: {} },
          Owner: { relation: { data_source_id: sandbox.dataSources.people, single_property: {} } },
          Section: null,
          Description: { name: 'Notes' },
        },
      },
    });

    const todos = sandbox.listDatabases().find((d) => d.key === 'todos');
    const names = todos?.properties.map((p) => p.name) ?? [];
    expect(names).toEqual(expect.arrayContaining(['Deadline', 'Owner', 'Notes']));
    expect(names).not.toContain('Section');
    expect(names).not.toContain('Description');
    const stored = sandbox.pages({ databaseId: sandbox.databases.todos }).find((p) => p.id === page.id);
    expect(stored?.properties['Deadline']).toMatchObject({ type: 'date', date: null });
    expect(stored?.properties['Section']).toBeUndefined();
  });

  it('refuses what Notion refuses: properties on the database under 2025-09-03, a data source route under 2022-06-28, a second title', async () => {
    const current = client(sandbox, '2025-09-03');
    const legacy = client(sandbox, '2022-06-28');
    const add = { properties: { Deadline: { date: {} } } };

    expect(
      await refusal(
        current.request({ path: `databases/${sandbox.databases.todos}`, method: 'patch', body: add }),
      ),
    ).toMatchObject({ status: 400, code: 'validation_error' });
    expect(
      await refusal(
        legacy.request({ path: `data_sources/${sandbox.dataSources.todos}`, method: 'patch', body: add }),
      ),
    ).toMatchObject({ status: 400, code: 'invalid_request_url' });
    expect(
      await refusal(
        current.request({
          path: `data_sources/${sandbox.dataSources.todos}`,
          method: 'patch',
          body: { properties: { Headline: { title: {} } } },
        }),
      ),
    ).toMatchObject({ code: 'validation_error', message: expect.stringMatching(/only one title/) });
    expect(
      await refusal(
        current.request({
          path: 'databases',
          method: 'post',
          body: { parent: { page_id: sandbox.parentPageId }, properties: { Name: { title: {} } } },
        }),
      ),
    ).toMatchObject({ code: 'validation_error', message: expect.stringMatching(/initial_data_source/) });

    await legacy.request({ path: `databases/${sandbox.databases.todos}`, method: 'patch', body: add });
    const todos = sandbox.listDatabases().find((d) => d.key === 'todos');
    expect(todos?.properties.map((p) => p.name)).toContain('Deadline');
  });

  it('a dual relation adds its twin to the target database', async () => {
    const notion = client(sandbox, '2025-09-03');
    await notion.request({
      path: `data_sources/${sandbox.dataSources.todos}`,
      method: 'patch',
      body: {
        properties: {
          Owner: {
            relation: {
              data_source_id: sandbox.dataSources.people,
              type: 'dual_property',
              dual_property: { synced_property_name: 'Tasks' },
            },
          },
        },
      },
    });
    const people = sandbox.listDatabases().find((d) => d.key === 'people');
    expect(people?.properties.find((p) => p.name === 'Tasks')).toMatchObject({
      type: 'relation',
      relation: sandbox.databases.todos,
      syncedProperty: 'Owner',
    });
  });
});

describe('Notion sandbox: what 2026-03-11 changed', () => {
  let sandbox: NotionSandbox;
  beforeEach(async () => {
    sandbox = await startNotionSandbox({});
  });
  afterEach(async () => {
    await sandbox.close();
  });

  it('pages and blocks carry in_trash only; archived in a request is refused', async () => {
    const notion = client(sandbox, '2026-03-11');
    const page = (await notion.pages.create({
      parent: { data_source_id: sandbox.dataSources.areas },
      properties: { Name: { title: text('Garden') } },
    })) as unknown as Json & { id: string };
    expect(page['in_trash']).toBe(false);
    expect('archived' in page).toBe(false);

    expect(
      await refusal(notion.request({ path: `pages/${page.id}`, method: 'patch', body: { archived: true } })),
    ).toMatchObject({ status: 400, code: 'validation_error', message: expect.stringMatching(/in_trash/) });
    const trashed = (await notion.request({
      path: `pages/${page.id}`,
      method: 'patch',
      body: { in_trash: true },
    })) as Json;
    expect(trashed).toMatchObject({ in_trash: true });
    expect('archived' in trashed).toBe(false);
  });

  it('block append takes position (start, end, after_block) and refuses after', async () => {
    const notion = client(sandbox, '2026-03-11');
    const page = await notion.pages.create({
      parent: { data_source_id: sandbox.dataSources.areas },
      properties: { Name: { title: text('Garden') } },
    });
    const paragraph = (content: string) => ({ paragraph: { rich_text: text(content) } });
    const append = (body: Json) =>
      notion.request({ path: `blocks/${page.id}/children`, method: 'patch', body }) as Promise<{
        results: Array<{ id: string } & Json>;
      }>;

    const first = await append({ children: [paragraph('b')] });
    await append({ children: [paragraph('a')], position: { type: 'start' } });
    await append({ children: [paragraph('d')], position: { type: 'end' } });
    const b = first.results[0]?.id ?? '';
    await append({ children: [paragraph('c')], position: { type: 'after_block', after_block: { id: b } } });
    expect(await refusal(append({ children: [paragraph('x')], after: b }))).toMatchObject({
      code: 'validation_error',
      message: expect.stringMatching(/position/),
    });

    const list = await notion.blocks.children.list({ block_id: page.id });
    const texts = list.results.map((r) => {
      const block = r as unknown as { paragraph: { rich_text: Array<{ plain_text: string }> } } & Json;
      expect('archived' in block).toBe(false);
      return block.paragraph.rich_text.map((t) => t.plain_text).join('');
    });
    expect(texts).toEqual(['a', 'b', 'c', 'd']);
  });

  it('older versions keep the archived alias and the after parameter', async () => {
    const notion = client(sandbox, '2025-09-03');
    const page = (await notion.pages.create({
      parent: { data_source_id: sandbox.dataSources.areas },
      properties: { Name: { title: text('Garden') } },
    })) as unknown as { id: string } & Json;
    expect(page['archived']).toBe(false);
    const trashed = (await notion.request({
      path: `pages/${page.id}`,
      method: 'patch',
      body: { archived: true },
    })) as Json;
    expect(trashed).toMatchObject({ in_trash: true, archived: true });
  });
});
