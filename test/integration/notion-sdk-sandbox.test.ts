import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { APIResponseError, Client, iteratePaginatedAPI } from '@notionhq/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../support/functions.js';
import { type NotionSandbox, startNotionSandbox } from '../support/notion-sandbox/index.js';

const text = (content: string) => [{ type: 'text' as const, text: { content } }];

/** The real @notionhq/client (v5) accepts the sandbox as Notion. */
describe('Notion sandbox with the official SDK', () => {
  let sandbox: NotionSandbox;
  let notion: Client;
  let legacy: Client;

  beforeAll(async () => {
    sandbox = await startNotionSandbox();
    notion = new Client({ auth: 'secret_x', baseUrl: sandbox.url, retry: false });
    legacy = new Client({
      auth: 'secret_x',
      baseUrl: sandbox.url,
      notionVersion: '2022-06-28',
      retry: false,
    });
  });
  afterAll(async () => {
    await sandbox.close();
  });

  async function area(name: string) {
    return notion.pages.create({
      parent: { data_source_id: sandbox.dataSources.areas },
      properties: { Name: { title: text(name) } },
    });
  }

  it('creates a page with every property type and queries it by each filter', async () => {
    const home = await area('Home');
    const project = await notion.pages.create({
      parent: { data_source_id: sandbox.dataSources.projects },
      properties: {
        Name: { title: text('Kitchen') },
        'Todoist ID': { rich_text: text('p1') },
        Area: { relation: [{ id: home.id }] },
      },
    });
    await notion.pages.create({
      parent: { type: 'data_source_id', data_source_id: sandbox.dataSources.todos },
      properties: {
        Name: { title: text('Buy milk') },
        'Todoist ID': { rich_text: text('t1') },
        Done: { checkbox: true },
        Due: { date: { start: '2026-09-01', end: null, time_zone: null } },
        Priority: { select: { name: 'P1' } },
        Labels: { multi_select: [{ name: 'errand' }, { name: 'new-label' }] },
        Description: { rich_text: text('2% fat') },
        Project: { relation: [{ id: project.id }] },
        Area: { relation: [{ id: home.id }] },
        'Todoist URL': { url: 'https://app.todoist.com/app/task/t1' },
      },
    });
    const q = (filter: Parameters<Client['dataSources']['query']>[0]['filter']) =>
      notion.dataSources.query({ data_source_id: sandbox.dataSources.todos, ...(filter ? { filter } : {}) });
    expect((await q({ property: 'Name', title: { equals: 'Buy milk' } })).results).toHaveLength(1);
    expect((await q({ property: 'Todoist ID', rich_text: { equals: 't1' } })).results).toHaveLength(1);
    expect((await q({ property: 'Todoist ID', rich_text: { equals: 't2' } })).results).toHaveLength(0);
    expect((await q({ property: 'Area', relation: { contains: home.id } })).results).toHaveLength(1);
    expect((await q({ property: 'Description', rich_text: { is_empty: true } })).results).toHaveLength(0);
    expect(
      (
        await q({
          and: [
            { property: 'Done', checkbox: { equals: true } },
            {
              or: [
                { property: 'Name', title: { equals: 'x' } },
                { property: 'Todoist ID', rich_text: { equals: 't1' } },
              ],
            },
          ],
        })
      ).results,
    ).toHaveLength(1);
    const [page] = (await q({ property: 'Todoist ID', rich_text: { equals: 't1' } })).results as Array<{
      properties: Record<string, unknown>;
    }>;
    expect(page?.properties['Priority']).toMatchObject({ type: 'select', select: { name: 'P1' } });
    expect(page?.properties['Due']).toMatchObject({ date: { start: '2026-09-01' } });
  });

  it('paginates 250 pages without repeats or gaps', async () => {
    sandbox.reset();
    for (let i = 0; i < 250; i++) await area(`Area ${i}`);
    const seen: string[] = [];
    for await (const p of iteratePaginatedAPI(notion.dataSources.query, {
      data_source_id: sandbox.dataSources.areas,
      page_size: 100,
    })) {
      seen.push(p.id);
    }
    expect(seen).toHaveLength(250);
    expect(new Set(seen).size).toBe(250);
    const oversized = notion.dataSources.query({ data_source_id: sandbox.dataSources.areas, page_size: 101 });
    await expect(oversized).rejects.toMatchObject({ code: 'validation_error' });
  });

  it('speaks 2022-06-28 too: database schema and the database query endpoint', async () => {
    sandbox.reset();
    await area('Legacy');
    const db = (await legacy.request({ path: `databases/${sandbox.databases.areas}`, method: 'get' })) as {
      properties: Record<string, unknown>;
    };
    expect(Object.keys(db.properties)).toEqual(['Name']);
    const res = (await legacy.request({
      path: `databases/${sandbox.databases.areas}/query`,
      method: 'post',
      body: { filter: { property: 'Name', title: { equals: 'Legacy' } } },
    })) as { results: unknown[] };
    expect(res.results).toHaveLength(1);
    const current = (await notion.databases.retrieve({
      database_id: sandbox.databases.areas,
    })) as unknown as { data_sources: Array<{ id: string }> };
    expect(current.data_sources).toEqual([expect.objectContaining({ id: sandbox.dataSources.areas })]);
  });

  it('rejects what Notion rejects, with its error codes', async () => {
    const create = (properties: Record<string, unknown>) =>
      notion.pages.create({
        parent: { data_source_id: sandbox.dataSources.todos },
        properties: properties as never,
      });
    await expect(
      create({ Name: { title: text('x') }, Nope: { rich_text: text('y') } }),
    ).rejects.toMatchObject({
      code: 'validation_error',
      message: expect.stringContaining('Nope is not a property that exists'),
    });
    await expect(create({ Name: { title: text('x') }, Done: { checkbox: 'yes' } })).rejects.toBeInstanceOf(
      APIResponseError,
    );
    await expect(create({ Name: { title: text('x'.repeat(2001)) } })).rejects.toMatchObject({
      code: 'validation_error',
    });
    await expect(
      notion.pages.retrieve({ page_id: '00000000-0000-4000-8000-00000000abcd' }),
    ).rejects.toMatchObject({ code: 'object_not_found' });
    const raw = await fetch(`${sandbox.url}/v1/pages/x`, { headers: { authorization: 'Bearer x' } });
    expect(raw.status).toBe(400);
    expect(await raw.json()).toMatchObject({ object: 'error', code: 'missing_version' });
  });

  it('trashed pages vanish from queries but can still be retrieved', async () => {
    sandbox.reset();
    const page = await area('Temporary');
    await notion.pages.update({ page_id: page.id, in_trash: true });
    const res = await notion.dataSources.query({ data_source_id: sandbox.dataSources.areas });
    expect(res.results).toHaveLength(0);
    expect(await notion.pages.retrieve({ page_id: page.id })).toMatchObject({ in_trash: true });
    await expect(
      notion.pages.update({ page_id: page.id, properties: { Name: { title: text('edit') } } }),
    ).rejects.toMatchObject({
      code: 'validation_error',
    });
  });

  it('faults: the index lags, 429 carries Retry-After, a lost create still made the page', async () => {
    sandbox.reset();
    sandbox.setFaults({ lagMs: 300 });
    await area('Lagging');
    const query = () =>
      notion.dataSources.query({
        data_source_id: sandbox.dataSources.areas,
        filter: { property: 'Name', title: { equals: 'Lagging' } },
      });
    expect((await query()).results).toHaveLength(0);
    await new Promise((r) => setTimeout(r, 400));
    expect((await query()).results).toHaveLength(1);

    sandbox.setFaults({ lagMs: 0, rps: 2 });
    const statuses = await Promise.all(
      Array.from({ length: 6 }, () =>
        fetch(`${sandbox.url}/v1/data_sources/${sandbox.dataSources.areas}/query`, {
          method: 'POST',
          headers: {
            authorization: 'Bearer x',
            'notion-version': '2025-09-03',
            'content-type': 'application/json',
          },
          body: '{}',
        }).then(async (r) => ({ status: r.status, retryAfter: r.headers.get('retry-after') })),
      ),
    );
    expect(statuses.filter((s) => s.status === 429).length).toBeGreaterThan(0);
    expect(statuses.find((s) => s.status === 429)?.retryAfter).toMatch(/^\d+$/);

    sandbox.setFaults({ rps: 0, lostCreateRate: 1 });
    const before = sandbox.pages({ databaseId: sandbox.databases.areas }).length;
    await expect(area('Lost')).rejects.toBeDefined();
    expect(sandbox.pages({ databaseId: sandbox.databases.areas })).toHaveLength(before + 1);
    sandbox.setFaults({ lostCreateRate: 0 });
  });

  it('the CLI prints its address and databases on one line and serves them', async () => {
    const tsx = fileURLToPath(new URL('../../node_modules/tsx/dist/loader.mjs', import.meta.url));
    const child = spawn(
      process.execPath,
      ['--import', tsx, 'test/support/sandbox/cli.ts', '--port', '0', '--lag-ms', '100'],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    try {
      const line = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (c: Buffer) => {
          out += c.toString();
          if (out.includes('\n')) resolve(out.split('\n')[0] ?? '');
        });
        child.once('exit', (code) => reject(new Error(`exited ${code}`)));
      });
      const ready = JSON.parse(line) as { url: string; databases: Record<string, string> };
      expect(Object.keys(ready.databases).sort()).toEqual(['areas', 'people', 'projects', 'todos']);
      const client = new Client({ auth: 'any', baseUrl: ready.url });
      const db = (await client.databases.retrieve({
        database_id: ready.databases['todos'] ?? '',
      })) as unknown as { data_sources: unknown[] };
      expect(db.data_sources).toHaveLength(1);
    } finally {
      child.kill('SIGTERM');
    }
  });
});
