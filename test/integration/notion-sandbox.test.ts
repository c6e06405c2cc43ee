import { spawn } from 'node:child_process';
import { APIResponseError, Client, iteratePaginatedAPI, LogLevel } from '@notionhq/client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../support/functions.js';
import {
  type NotionSandbox,
  type SandboxOptions,
  startNotionSandbox,
} from '../support/notion-sandbox/index.js';

type Properties = Record<string, unknown>;
type Filter = Record<string, unknown>;
interface Page {
  id: string;
  in_trash: boolean;
  archived?: boolean;
  parent: Record<string, unknown>;
  properties: Record<string, Record<string, unknown>>;
}
interface List {
  object: string;
  results: Page[];
  has_more: boolean;
  next_cursor: string | null;
  type: string;
}

const text = (content: string) => [{ type: 'text' as const, text: { content } }];
const title = (content: string) => ({ title: text(content) });
const rich = (content: string) => ({ rich_text: text(content) });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const quiet = { logLevel: LogLevel.ERROR, logger: () => {} };

/** A client of the current API (2025-09-03), one of the old one, and raw requests, all on one sandbox. */
function clients(sandbox: NotionSandbox) {
  const notion = new Client({ auth: 'x', baseUrl: sandbox.url, retry: false, ...quiet });
  const legacy = new Client({
    auth: 'x',
    baseUrl: sandbox.url,
    notionVersion: '2022-06-28',
    retry: false,
    ...quiet,
  });
  const create = async (db: keyof NotionSandbox['dataSources'], properties: Properties) =>
    (await notion.pages.create({
      parent: { data_source_id: sandbox.dataSources[db] },
      properties: properties as never,
    })) as unknown as Page;
  const query = async (db: keyof NotionSandbox['dataSources'], filter?: Filter, extra: Properties = {}) =>
    (await notion.dataSources.query({
      data_source_id: sandbox.dataSources[db],
      ...(filter ? { filter: filter as never } : {}),
      ...extra,
    })) as unknown as List;
  const legacyQuery = async (db: keyof NotionSandbox['databases'], body: Properties = {}) =>
    (await legacy.request({
      path: `databases/${sandbox.databases[db]}/query`,
      method: 'post',
      body,
    })) as List;
  const raw = (
    path: string,
    init: { method?: string; body?: string; headers?: Record<string, string> } = {},
  ) =>
    fetch(`${sandbox.url}${path}`, {
      method: init.method ?? 'GET',
      headers: {
        authorization: 'Bearer x',
        'notion-version': '2025-09-03',
        'content-type': 'application/json',
        ...init.headers,
      },
      ...(init.body === undefined ? {} : { body: init.body }),
    });
  return { notion, legacy, create, query, legacyQuery, raw };
}

const names = (list: List) => list.results.map((p) => plain(p.properties['Name']));
const optionNames = (value: unknown) =>
  ((value as { multi_select?: Array<{ name: string }> } | undefined)?.multi_select ?? []).map((o) => o.name);
function plain(value: unknown): string {
  const items = ((value as { title?: unknown[]; rich_text?: unknown[] }).title ??
    (value as { rich_text?: unknown[] }).rich_text ??
    []) as Array<{ plain_text: string }>;
  return items.map((i) => i.plain_text).join('');
}

describe('Notion sandbox, through the official @notionhq/client', () => {
  let sandbox: NotionSandbox;
  let c: ReturnType<typeof clients>;
  beforeAll(async () => {
    sandbox = await startNotionSandbox();
    c = clients(sandbox);
  });
  afterAll(() => sandbox.close());
  afterEach(() => {
    sandbox.setFaults({ lagMs: 0, rps: 0, errorRate: 0, lostCreateRate: 0, latencyMs: 0 });
    sandbox.reset();
  });

  it('creates pages with every property type and answers in Notion’s response shape', async () => {
    const area = await c.create('areas', { Name: title('Home') });
    const person = await c.create('people', {
      Name: title('Ada'),
      Email: { email: 'ada@example.com' },
      'Todoist ID': rich('u1'),
    });
    const project = await c.create('projects', {
      Name: title('Kitchen'),
      'Todoist ID': rich('p1'),
      Area: { relation: [{ id: area.id }] },
    });
    const parent = await c.create('todos', { Name: title('Groceries') });
    const todo = await c.create('todos', {
      Name: title('Buy milk'),
      'Todoist ID': rich('t1'),
      Done: { checkbox: true },
      Due: { date: { start: '2026-09-01', end: null, time_zone: null } },
      Priority: { select: { name: 'P1' } },
      Labels: { multi_select: [{ name: 'errand' }, { name: 'shop' }] },
      Description: rich('2% fat'),
      Project: { relation: [{ id: project.id }] },
      Area: { relation: [{ id: area.id.replace(/-/g, '') }] },
      Assignee: { relation: [{ id: person.id }] },
      'Todoist URL': { url: 'https://app.todoist.com/app/task/t1' },
      Parent: { relation: [{ id: parent.id }] },
      Section: { select: { name: 'Dairy' } },
    });

    expect(todo.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(todo).toMatchObject({
      object: 'page',
      in_trash: false,
      archived: false,
      parent: { type: 'data_source_id', data_source_id: sandbox.dataSources.todos },
    });
    const p = todo.properties;
    expect(p['Name']).toEqual({
      id: 'title',
      type: 'title',
      title: [
        {
          type: 'text',
          text: { content: 'Buy milk', link: null },
          annotations: {
            bold: false,
            italic: false,
            strikethrough: false,
            underline: false,
            code: false,
            color: 'default',
          },
          plain_text: 'Buy milk',
          href: null,
        },
      ],
    });
    expect(p['Done']).toMatchObject({ type: 'checkbox', checkbox: true });
    expect(p['Due']).toMatchObject({ date: { start: '2026-09-01', end: null, time_zone: null } });
    expect(p['Priority']).toMatchObject({
      select: { name: 'P1', id: expect.any(String), color: expect.any(String) },
    });
    expect(optionNames(p['Labels'])).toEqual(['errand', 'shop']);
    expect(p['Area']).toMatchObject({ relation: [{ id: area.id }], has_more: false });
    expect(p['Assignee']).toMatchObject({ relation: [{ id: person.id }] });
    expect(p['Parent']).toMatchObject({ relation: [{ id: parent.id }] });
    expect(p['Todoist URL']).toMatchObject({ url: 'https://app.todoist.com/app/task/t1' });
    expect(person.properties['Email']).toMatchObject({ email: 'ada@example.com' });

    // A page written with only its title still shows every property, empty.
    expect(parent.properties).toMatchObject({
      Done: { checkbox: false },
      Due: { date: null },
      Priority: { select: null },
      Labels: { multi_select: [] },
      Project: { relation: [] },
      'Todoist URL': { url: null },
    });
    // Options unknown to the schema were added to it.
    const schema = (await c.notion.dataSources.retrieve({
      data_source_id: sandbox.dataSources.todos,
    })) as unknown as {
      properties: Record<string, { select?: { options: Array<{ name: string }> } }>;
    };
    expect(schema.properties['Section']?.select?.options.map((o) => o.name)).toEqual(['Dairy']);
    expect(schema.properties['Priority']?.select?.options.map((o) => o.name)).toEqual([
      'P1',
      'P2',
      'P3',
      'P4',
    ]);
  });

  it('filters by title, rich_text, relation, checkbox, emptiness and and/or', async () => {
    const home = await c.create('areas', { Name: title('Home') });
    const work = await c.create('areas', { Name: title('Work') });
    await c.create('todos', {
      Name: title('Buy milk'),
      'Todoist ID': rich('t1'),
      Area: { relation: [{ id: home.id }] },
    });
    await c.create('todos', {
      Name: title('Write report'),
      'Todoist ID': rich('t2'),
      Done: { checkbox: true },
      Area: { relation: [{ id: work.id }] },
    });
    await c.create('todos', { Name: title('Call mum') });

    expect(names(await c.query('todos', { property: 'Name', title: { equals: 'Buy milk' } }))).toEqual([
      'Buy milk',
    ]);
    expect(names(await c.query('todos', { property: 'Name', title: { equals: 'buy milk' } }))).toEqual([]);
    expect(names(await c.query('todos', { property: 'Todoist ID', rich_text: { equals: 't2' } }))).toEqual([
      'Write report',
    ]);
    expect(names(await c.query('todos', { property: 'Name', title: { contains: 'r' } }))).toEqual([
      'Write report',
    ]);
    const undashed = home.id.replace(/-/g, '');
    expect(names(await c.query('todos', { property: 'Area', relation: { contains: undashed } }))).toEqual([
      'Buy milk',
    ]);
    expect(names(await c.query('todos', { property: 'Area', relation: { is_empty: true } }))).toEqual([
      'Call mum',
    ]);
    expect(
      names(await c.query('todos', { property: 'Todoist ID', rich_text: { is_not_empty: true } })),
    ).toEqual(['Buy milk', 'Write report']);
    expect(names(await c.query('todos', { property: 'Done', checkbox: { equals: false } }))).toEqual([
      'Buy milk',
      'Call mum',
    ]);
    const nested = {
      or: [
        { property: 'Todoist ID', rich_text: { is_empty: true } },
        {
          and: [
            { property: 'Done', checkbox: { equals: true } },
            { property: 'Area', relation: { contains: work.id } },
          ],
        },
      ],
    };
    expect(names(await c.query('todos', nested))).toEqual(['Write report', 'Call mum']);
    const sorted = await c.query('todos', undefined, {
      sorts: [{ property: 'Name', direction: 'descending' }],
    });
    expect(names(sorted)).toEqual(['Write report', 'Call mum', 'Buy milk']);
  });

  it('refuses a filter naming an unknown property, a mistyped one, or nested three levels deep', async () => {
    await expect(
      c.query('todos', { property: 'Todoist Id', rich_text: { equals: 'x' } }),
    ).rejects.toMatchObject({
      code: 'validation_error',
      message: expect.stringContaining('Todoist Id'),
    });
    await expect(c.query('todos', { property: 'Name', rich_text: { equals: 'x' } })).rejects.toMatchObject({
      code: 'validation_error',
    });
    const leaf = { property: 'Done', checkbox: { equals: true } };
    await expect(c.query('todos', { and: [{ or: [{ and: [leaf] }] }] })).rejects.toMatchObject({
      code: 'validation_error',
    });
  });

  it('pages 250 rows 100 at a time under both versions, all of them, none twice', async () => {
    for (let i = 0; i < 250; i++) await c.create('areas', { Name: title(`Area ${i}`) });
    const seen: string[] = [];
    for await (const row of iteratePaginatedAPI(c.notion.dataSources.query, {
      data_source_id: sandbox.dataSources.areas,
    })) {
      seen.push(row.id);
    }
    expect(seen).toHaveLength(250);
    expect(new Set(seen).size).toBe(250);

    const sizes: number[] = [];
    const legacySeen: string[] = [];
    let cursor: string | null = null;
    do {
      const list: List = await c.legacyQuery('areas', {
        page_size: 100,
        ...(cursor ? { start_cursor: cursor } : {}),
      });
      expect(list.type).toBe('page_or_database');
      sizes.push(list.results.length);
      legacySeen.push(...list.results.map((p) => p.id));
      cursor = list.has_more ? list.next_cursor : null;
    } while (cursor);
    expect(sizes).toEqual([100, 100, 50]);
    expect(legacySeen).toEqual(seen); // created_time order, stable across versions

    const newestFirst = await c.query('areas', undefined, {
      sorts: [{ timestamp: 'created_time', direction: 'descending' }],
      page_size: 1,
    });
    expect(names(newestFirst)).toEqual(['Area 249']);
    await expect(c.query('areas', undefined, { page_size: 101 })).rejects.toMatchObject({
      code: 'validation_error',
    });
  });

  it('refuses invalid property values with validation_error and creates nothing', async () => {
    const area = await c.create('areas', { Name: title('Home') });
    const tooMany = Array.from({ length: 101 }, () => ({ id: area.id }));
    const bad: Array<[Properties, string?]> = [
      [{ Name: title('x'), Nope: rich('y') }, 'Nope is not a property that exists.'],
      [{ Name: title('x'), Done: { checkbox: 'yes' } }],
      [{ Name: rich('x') }, 'Name is expected to be title.'],
      [{ Name: title('x'.repeat(2001)) }, '2000'],
      [{ Name: title('x'), Description: { rich_text: Array.from({ length: 101 }, () => text('a')[0]) } }],
      [{ Name: title('x'), Area: { relation: tooMany } }],
      [{ Name: title('x'), Area: { relation: [{ id: '00000000-0000-4000-8000-000000000000' }] } }],
      [{ Name: title('x'), Project: { relation: [{ id: area.id }] } }], // a page of another database
      [{ Name: title('x'), Due: { date: { start: 'next tuesday' } } }],
    ];
    for (const [properties, message] of bad) {
      const error = await c.create('todos', properties).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(APIResponseError);
      expect(error).toMatchObject({ code: 'validation_error', status: 400 });
      if (message) expect((error as Error).message).toContain(message);
    }
    expect(sandbox.pages({ databaseId: sandbox.databases.todos })).toEqual([]);
  });

  it('updates partially, trashes and restores; a trashed page leaves queries but can still be retrieved', async () => {
    const todo = await c.create('todos', {
      Name: title('Buy milk'),
      'Todoist ID': rich('t1'),
      Labels: { multi_select: [{ name: 'a' }, { name: 'b' }] },
    });
    const updated = (await c.notion.pages.update({
      page_id: todo.id,
      properties: { Labels: { multi_select: [{ name: 'c' }] }, Done: { checkbox: true } },
    })) as unknown as Page;
    expect(plain(updated.properties['Todoist ID'])).toBe('t1');
    expect(optionNames(updated.properties['Labels'])).toEqual(['c']);

    await c.notion.pages.update({ page_id: todo.id, in_trash: true });
    expect((await c.query('todos')).results).toEqual([]);
    expect(await c.notion.pages.retrieve({ page_id: todo.id })).toMatchObject({
      in_trash: true,
      archived: true,
    });
    await expect(
      c.notion.pages.update({ page_id: todo.id, properties: { Name: { title: text('edit') } } }),
    ).rejects.toMatchObject({
      code: 'validation_error',
      message: "Can't edit block that is archived. You must unarchive the block before editing.",
    });
    expect(sandbox.pages({ databaseId: sandbox.databases.todos })).toEqual([]);
    expect(sandbox.pages({ databaseId: sandbox.databases.todos, includeTrashed: true })).toHaveLength(1);

    await c.notion.pages.update({
      page_id: todo.id,
      archived: false,
      properties: { Name: { title: text('Restored') } },
    });
    expect(names(await c.query('todos'))).toEqual(['Restored']);
    await expect(
      c.notion.pages.update({ page_id: '00000000-0000-4000-8000-00000000abcd', in_trash: true }),
    ).rejects.toMatchObject({
      code: 'object_not_found',
      status: 404,
    });
  });

  it('speaks 2022-06-28: database schema, database query, database_id parents; not each other’s routes', async () => {
    const db = (await c.legacy.request({
      path: `databases/${sandbox.databases.projects.replace(/-/g, '')}`,
      method: 'get',
    })) as {
      id: string;
      properties: Record<string, { type: string }>;
      data_sources?: unknown;
    };
    expect(db.id).toBe(sandbox.databases.projects);
    expect(Object.keys(db.properties)).toEqual(['Name', 'Todoist ID', 'Area']);
    expect(db.data_sources).toBeUndefined();
    const current = (await c.notion.databases.retrieve({
      database_id: sandbox.databases.projects,
    })) as unknown as {
      properties?: unknown;
      data_sources: Array<{ id: string }>;
    };
    expect(current.data_sources).toEqual([expect.objectContaining({ id: sandbox.dataSources.projects })]);
    expect(current.properties).toBeUndefined();

    const page = (await c.legacy.pages.create({
      parent: { database_id: sandbox.databases.projects },
      properties: { Name: { title: text('Legacy') } },
    })) as unknown as Page;
    expect(page.parent).toEqual({ type: 'database_id', database_id: sandbox.databases.projects });
    const found = await c.legacyQuery('projects', {
      filter: { property: 'Name', title: { equals: 'Legacy' } },
    });
    expect(found.results.map((p) => p.id)).toEqual([page.id]);
    expect((await c.query('projects')).type).toBe('page_or_data_source');

    await expect(
      c.legacy.request({
        path: `data_sources/${sandbox.dataSources.projects}/query`,
        method: 'post',
        body: {},
      }),
    ).rejects.toMatchObject({ code: 'invalid_request_url' });
    await expect(
      c.notion.request({ path: `databases/${sandbox.databases.projects}/query`, method: 'post', body: {} }),
    ).rejects.toMatchObject({ code: 'invalid_request_url' });
  });

  it('answers malformed requests like Notion: version, auth, JSON, route, unknown ids', async () => {
    const noVersion = await c.raw('/v1/pages/x', { headers: { 'notion-version': '' } });
    expect(noVersion.status).toBe(400);
    expect(await noVersion.json()).toMatchObject({
      object: 'error',
      status: 400,
      code: 'missing_version',
      request_id: expect.any(String),
    });
    const noAuth = await c.raw(`/v1/data_sources/${sandbox.dataSources.areas}`, {
      headers: { authorization: '' },
    });
    expect(noAuth.status).toBe(401);
    expect(await noAuth.json()).toMatchObject({ code: 'unauthorized' });
    const badJson = await c.raw('/v1/pages', { method: 'POST', body: '{"parent":' });
    expect([badJson.status, ((await badJson.json()) as { code: string }).code]).toEqual([
      400,
      'invalid_json',
    ]);
    const unknown = await c.raw('/v1/nothing/here');
    expect([unknown.status, ((await unknown.json()) as { code: string }).code]).toEqual([
      400,
      'invalid_request_url',
    ]);
    await expect(
      c.notion.pages.retrieve({ page_id: '00000000-0000-4000-8000-00000000abcd' }),
    ).rejects.toMatchObject({
      code: 'object_not_found',
    });
    await expect(
      c.notion.dataSources.retrieve({ data_source_id: sandbox.databases.areas }),
    ).rejects.toMatchObject({
      code: 'object_not_found',
    });
  });

  it('keeps page content blocks: append, list by page, update, delete', async () => {
    const para = (s: string) => ({
      object: 'block' as const,
      type: 'paragraph' as const,
      paragraph: { rich_text: text(s) },
    });
    const page = (await c.notion.pages.create({
      parent: { data_source_id: sandbox.dataSources.todos },
      properties: { Name: { title: text('With notes') } },
      children: [para('first')],
    })) as unknown as Page;
    const added = await c.notion.blocks.children.append({
      block_id: page.id,
      children: [para('second'), para('third')],
    });
    expect(added.results).toHaveLength(2);
    const second = added.results[0] as { id: string };
    await c.notion.blocks.update({ block_id: second.id, paragraph: { rich_text: text('second, edited') } });
    await c.notion.blocks.delete({ block_id: (added.results[1] as { id: string }).id });

    const texts: string[] = [];
    for await (const block of iteratePaginatedAPI(c.notion.blocks.children.list, {
      block_id: page.id,
      page_size: 1,
    })) {
      texts.push(plain((block as unknown as { paragraph: unknown }).paragraph));
    }
    expect(texts).toEqual(['first', 'second, edited']);
    expect(sandbox.pages({ databaseId: sandbox.databases.todos })[0]?.children).toHaveLength(3); // the trashed one kept
  });

  it('counts requests by route and exposes state and faults over HTTP', async () => {
    const area = await c.create('areas', { Name: title('Home') });
    await c.notion.pages.retrieve({ page_id: area.id });
    await c.notion.pages.update({ page_id: area.id, in_trash: true });
    await c.query('areas');
    const counts = sandbox.counts();
    expect(counts.byRoute).toEqual({
      'POST /v1/pages': 1,
      'GET /v1/pages/:id': 1,
      'PATCH /v1/pages/:id': 1,
      'POST /v1/data_sources/:id/query': 1,
    });
    expect(counts).toMatchObject({ total: 4, status: { 200: 4 } });

    const info = (await (await fetch(`${sandbox.url}/__sandbox/info`)).json()) as Properties;
    expect(info).toEqual({
      url: sandbox.url,
      databases: sandbox.databases,
      dataSources: sandbox.dataSources,
      parentPageId: sandbox.parentPageId,
    });
    const live = (await (
      await fetch(`${sandbox.url}/__sandbox/pages?database=${sandbox.databases.areas}`)
    ).json()) as { pages: unknown[] };
    const all = (await (
      await fetch(`${sandbox.url}/__sandbox/pages?database=${sandbox.databases.areas}&trashed=1`)
    ).json()) as {
      pages: Array<{ id: string; in_trash: boolean }>;
    };
    expect(live.pages).toEqual([]);
    expect(all.pages).toEqual([expect.objectContaining({ id: area.id, in_trash: true })]);

    const setFaults = (body: Properties) =>
      fetch(`${sandbox.url}/__sandbox/faults`, { method: 'POST', body: JSON.stringify(body) });
    expect((await setFaults({ errorRate: 1 })).status).toBe(200);
    await expect(c.query('areas')).rejects.toMatchObject({ status: expect.toBeOneOf([500, 503]) });
    expect((await setFaults({ errorRate: 2 })).status).toBe(400);
    await setFaults({ errorRate: 0 });
    expect((await c.query('areas')).results).toEqual([]);
    const remote = (await (await fetch(`${sandbox.url}/__sandbox/counts`)).json()) as {
      total: number;
      injectedErrors: number;
    };
    expect(remote).toMatchObject({ total: 6, injectedErrors: 1 });
    await fetch(`${sandbox.url}/__sandbox/reset`, { method: 'POST' });
    expect(sandbox.counts().total).toBe(0);
    expect(sandbox.pages({ includeTrashed: true })).toEqual([]);
  });
});

describe('Notion sandbox faults', () => {
  let sandbox: NotionSandbox;
  let c: ReturnType<typeof clients>;
  beforeAll(async () => {
    sandbox = await startNotionSandbox({ seed: 7 });
    c = clients(sandbox);
  });
  afterAll(() => sandbox.close());
  afterEach(() => {
    sandbox.setFaults({ lagMs: 0, rps: 0, errorRate: 0, lostCreateRate: 0 });
    sandbox.reset();
  });

  const byName = (name: string): Filter => ({ property: 'Name', title: { equals: name } });

  it('index lag: a new page is missing from queries until the lag has passed; retrieve sees it at once', async () => {
    sandbox.setFaults({ lagMs: 300 });
    const page = await c.create('areas', { Name: title('Lagging') });
    expect((await c.query('areas', byName('Lagging'))).results).toEqual([]);
    expect(await c.notion.pages.retrieve({ page_id: page.id })).toMatchObject({ id: page.id });
    await sleep(400);
    expect((await c.query('areas', byName('Lagging'))).results.map((p) => p.id)).toEqual([page.id]);
  });

  it('index lag: after an update the old version still matches filters; a trashed page lingers', async () => {
    const page = await c.create('areas', { Name: title('Old') });
    sandbox.setFaults({ lagMs: 300 });
    await c.notion.pages.update({ page_id: page.id, properties: { Name: { title: text('New') } } });
    expect(names(await c.query('areas', byName('Old')))).toEqual(['Old']);
    expect((await c.query('areas', byName('New'))).results).toEqual([]);
    await sleep(400);
    expect((await c.query('areas', byName('Old'))).results).toEqual([]);
    expect(names(await c.query('areas', byName('New')))).toEqual(['New']);

    await c.notion.pages.update({ page_id: page.id, in_trash: true });
    expect((await c.query('areas')).results).toHaveLength(1);
    await sleep(400);
    expect((await c.query('areas')).results).toEqual([]);
  });

  it('rate limit: a burst over rps gets 429 rate_limited with Retry-After seconds and retry-after-ms', async () => {
    sandbox.setFaults({ rps: 2 });
    const burst = await Promise.all(
      Array.from({ length: 8 }, () =>
        c
          .raw(`/v1/data_sources/${sandbox.dataSources.areas}/query`, { method: 'POST', body: '{}' })
          .then(async (r) => ({
            status: r.status,
            retryAfter: r.headers.get('retry-after'),
            retryAfterMs: r.headers.get('retry-after-ms'),
            code: ((await r.json()) as { code?: string }).code,
          })),
      ),
    );
    const limited = burst.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThanOrEqual(5); // burst of 2, then about 2 per second
    for (const r of limited) {
      expect(r.code).toBe('rate_limited');
      expect(Number(r.retryAfter)).toBeGreaterThanOrEqual(1);
      expect(r.retryAfter).toMatch(/^\d+$/);
      expect(Number(r.retryAfterMs)).toBeGreaterThan(0);
    }
    expect(sandbox.counts().rateLimited).toBe(limited.length);
    // The SDK honours Retry-After and gets through.
    const patient = new Client({ auth: 'x', baseUrl: sandbox.url, ...quiet });
    await expect(
      patient.dataSources.query({ data_source_id: sandbox.dataSources.areas }),
    ).resolves.toMatchObject({ object: 'list' });
  });

  it('injected 500/503 do no work; the same seed injects the same sequence', async () => {
    const run = async (options: SandboxOptions) => {
      const sb = await startNotionSandbox(options);
      try {
        const statuses: number[] = [];
        for (let i = 0; i < 20; i++) {
          const r = await clients(sb).raw('/v1/pages', {
            method: 'POST',
            body: JSON.stringify({
              parent: { data_source_id: sb.dataSources.areas },
              properties: { Name: title(`A${i}`) },
            }),
          });
          statuses.push(r.status);
        }
        return { statuses, pages: sb.pages().length, counts: sb.counts() };
      } finally {
        await sb.close();
      }
    };
    const a = await run({ errorRate: 0.5, seed: 3 });
    const b = await run({ errorRate: 0.5, seed: 3 });
    expect(a.statuses).toEqual(b.statuses);
    expect(new Set(a.statuses)).toEqual(new Set([200, 500, 503]));
    const failed = a.statuses.filter((s) => s !== 200).length;
    expect(a.pages).toBe(20 - failed);
    expect(a.counts.injectedErrors).toBe(failed);
  });

  it('lost create: the request fails (dropped socket or 504) but the page was made', async () => {
    sandbox.setFaults({ lostCreateRate: 1 });
    const outcomes = new Set<string>();
    for (let i = 0; i < 6; i++) {
      const error = await c.create('areas', { Name: title(`Lost ${i}`) }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Error);
      outcomes.add(APIResponseError.isAPIResponseError(error) ? error.code : 'network');
    }
    expect(outcomes).toEqual(new Set(['gateway_timeout', 'network']));
    expect(
      sandbox.pages({ databaseId: sandbox.databases.areas }).map((p) => plain(p.properties['Name'])),
    ).toEqual(['Lost 0', 'Lost 1', 'Lost 2', 'Lost 3', 'Lost 4', 'Lost 5']);
    expect(sandbox.counts().lostCreates).toBe(6);
  });
});

describe('Notion sandbox schema options', () => {
  it('omitProperties drops a property from the schema and from what can be written', async () => {
    const sandbox = await startNotionSandbox({
      omitProperties: { todos: ['Section'] },
      databases: { todos: 'AB'.repeat(16) },
    });
    try {
      const c = clients(sandbox);
      expect(sandbox.databases.todos).toBe('abababab-abab-abab-abab-abababababab');
      const ds = (await c.notion.dataSources.retrieve({
        data_source_id: sandbox.dataSources.todos,
      })) as unknown as {
        properties: Properties;
        parent: Properties;
      };
      expect(Object.keys(ds.properties)).not.toContain('Section');
      expect(ds.parent).toEqual({ type: 'database_id', database_id: sandbox.databases.todos });
      await expect(
        c.create('todos', { Name: title('x'), Section: { select: { name: 'A' } } }),
      ).rejects.toMatchObject({
        code: 'validation_error',
      });
    } finally {
      await sandbox.close();
    }
  });

  it('a database with a second data source lists both and refuses 2022-06-28 calls', async () => {
    const sandbox = await startNotionSandbox({ extraDataSources: ['todos'] });
    try {
      const c = clients(sandbox);
      const db = (await c.notion.databases.retrieve({ database_id: sandbox.databases.todos })) as unknown as {
        data_sources: unknown[];
      };
      expect(db.data_sources).toHaveLength(2);
      await expect(c.legacyQuery('todos')).rejects.toMatchObject({
        code: 'validation_error',
        additional_data: { error_type: 'multiple_data_sources_for_database' },
      });
    } finally {
      await sandbox.close();
    }
  });
});

describe('Notion sandbox CLI', () => {
  const cli = (args: string[]) =>
    spawn(process.execPath, ['--import', 'tsx', 'test/support/notion-sandbox/cli.ts', ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });

  it('prints one ready line with its url and databases, serves them, and stops on SIGTERM', async () => {
    const child = cli(['--port', '0', '--lag-ms', '50']);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const line = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString('utf8');
          if (out.includes('\n')) resolve(out.slice(0, out.indexOf('\n')));
        });
        void exited.then((code) => reject(new Error(`the CLI exited (${code}) before it was ready`)));
      });
      const ready = JSON.parse(line) as {
        url: string;
        databases: Record<string, string>;
        dataSources: Record<string, string>;
      };
      expect(Object.keys(ready)).toEqual(['url', 'databases', 'dataSources']);
      expect(ready.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(Object.keys(ready.databases).sort()).toEqual(['areas', 'people', 'projects', 'todos']);
      const notion = new Client({ auth: 'x', baseUrl: ready.url, ...quiet });
      const db = (await notion.databases.retrieve({
        database_id: ready.databases['todos'] ?? '',
      })) as unknown as {
        data_sources: Array<{ id: string }>;
      };
      expect(db.data_sources.map((d) => d.id)).toEqual([ready.dataSources['todos']]);
      const list = await notion.dataSources.query({ data_source_id: db.data_sources[0]?.id ?? '' });
      expect(list.results).toEqual([]);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });

  it('refuses a bad flag with a message on stderr and exit code 2', async () => {
    const child = cli(['--port', '0', '--error-rate', 'lots']);
    let err = '';
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString('utf8');
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(2);
    expect(err).toContain('--error-rate');
  });
});
