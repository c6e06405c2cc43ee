import { afterEach, describe, expect, it } from 'vitest';
import type { Config, NotionVersion } from '../../src/config/index.js';
import { silentLogger } from '../../src/log/logger.js';
import { createNotionApi, type NotionClient } from '../../src/notion/client.js';
import { isNotionError, isOutcomeUnknown, isPageGone } from '../../src/notion/errors.js';
import { textEquals } from '../../src/notion/filters.js';
import {
  checkbox,
  date,
  multiSelect,
  readCheckbox,
  readDate,
  readMultiSelect,
  readSelect,
  readText,
  readTitle,
  richText,
  select,
  title,
  url,
} from '../../src/notion/properties.js';
import type { RetryPolicy } from '../../src/notion/retry.js';
import { checkSchemas } from '../../src/notion/schema.js';
import {
  type NotionSandbox,
  type SandboxOptions,
  startNotionSandbox,
} from '../support/notion-sandbox/index.js';

const open: Array<{ sb: NotionSandbox; clients: NotionClient[] }> = [];

afterEach(async () => {
  for (const { sb, clients } of open.splice(0)) {
    await Promise.all(clients.map((c) => c.close()));
    await sb.close();
  }
});

async function sandbox(options: SandboxOptions) {
  const sb = await startNotionSandbox({ seed: 7, ...options });
  const entry = { sb, clients: [] as NotionClient[] };
  open.push(entry);
  const client = (overrides: Partial<Config['notion']> = {}, retry?: Partial<RetryPolicy>) => {
    const api = createNotionApi({
      ...(retry ? { retry } : {}),
      config: {
        token: 'secret_sandbox_token',
        baseUrl: sb.url,
        version: '2025-09-03',
        databases: { ...sb.databases },
        rps: 50,
        concurrency: 5,
        timeoutMs: 5_000,
        indexLagMs: 0,
        ...overrides,
      },
      logger: silentLogger,
    });
    entry.clients.push(api);
    return api;
  };
  return { sb, client };
}

describe('Notion access against the sandbox', () => {
  it('rides out a 429 storm: 30 queries at 10 req/s against a 2 req/s sandbox all succeed', async () => {
    const { sb, client } = await sandbox({ rps: 2 });
    const api = client({ rps: 10, concurrency: 10 });
    const started = Date.now();
    const results = await Promise.all(Array.from({ length: 30 }, () => api.query(sb.databases.todos)));
    expect(results).toHaveLength(30);
    const counts = sb.counts();
    expect(counts.rateLimited).toBeGreaterThan(0);
    expect(counts.status['200']).toBe(31); // 30 queries + one data-source resolution
    console.log(
      `[notion-access] 429 storm: ${counts.total} requests, ${counts.rateLimited} answered 429 (${pct(counts.rateLimited, counts.total)}), all 30 queries succeeded in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  });

  it('paced at 3 req/s against a 3 req/s sandbox: measures throughput and the 429 share', async () => {
    const { sb, client } = await sandbox({ rps: 3 });
    const api = client({ rps: 3, concurrency: 3 });
    await api.query(sb.databases.todos); // resolve the data source first
    sb.reset();
    const started = Date.now();
    await Promise.all(Array.from({ length: 30 }, () => api.query(sb.databases.todos)));
    const seconds = (Date.now() - started) / 1000;
    const counts = sb.counts();
    console.log(
      `[notion-access] paced: 30 queries in ${seconds.toFixed(2)} s = ${(30 / seconds).toFixed(2)} req/s, ` +
        `${counts.total} sent, 429 share ${pct(counts.rateLimited, counts.total)}`,
    );
    expect(counts.status['200']).toBe(30);
    // Generous bound: the limiter must keep clear of a storm, not hit an exact figure.
    expect(counts.rateLimited / counts.total).toBeLessThan(0.25);
  });

  it('never silently repeats a create whose answer was lost: one POST, one page, outcome unknown', async () => {
    const { sb, client } = await sandbox({ lostCreateRate: 1 });
    const api = client();
    for (const name of ['Home', 'Work', 'Garden', 'Health']) {
      const error = await api.createPage(sb.databases.areas, { Name: title(name) }).catch((e: unknown) => e);
      expect(isOutcomeUnknown(error)).toBe(true);
    }
    const counts = sb.counts();
    expect(counts.byRoute['POST /v1/pages']).toBe(4);
    expect(counts.lostCreates).toBe(4);
    // Notion did make them: only a look-up can tell, which is why the caller must look before creating again.
    expect(sb.pages({ databaseId: sb.databases.areas })).toHaveLength(4);
  });

  it('retries reads through 500/503 answers: every query succeeds at a 30% error rate', async () => {
    const { sb, client } = await sandbox({ errorRate: 0.3 });
    // With the default 3 retries a read still fails with probability 0.3^4 ≈ 0.8% at this extreme
    // rate (then as a transient error, so Pub/Sub redelivers); 6 retries make this test about retrying, not luck.
    const api = client({}, { maxServerRetries: 6, initialDelayMs: 20 });
    for (let i = 0; i < 15; i++)
      await expect(api.query(sb.databases.todos)).resolves.toMatchObject({ results: [] });
    expect(sb.counts().injectedErrors).toBeGreaterThan(0);
    expect(Object.values(api.stats().retries).reduce((a, b) => a + b, 0)).toBe(sb.counts().injectedErrors);
  });

  it('sees the index lag: a new page is not found by Todoist ID at once, but is 600 ms later', async () => {
    const { sb, client } = await sandbox({ lagMs: 500 });
    const api = client();
    const created = await api.createPage(sb.databases.todos, {
      Name: title('Lagging'),
      'Todoist ID': richText('lag-1'),
    });
    const filter = textEquals('Todoist ID', 'lag-1');
    expect((await api.query(sb.databases.todos, { filter })).results).toEqual([]);
    await new Promise((r) => setTimeout(r, 600));
    expect((await api.query(sb.databases.todos, { filter })).results.map((p) => p.id)).toEqual([created.id]);
  });

  it('fails the schema check naming the database and the missing required property', async () => {
    const { sb, client } = await sandbox({ omitProperties: { todos: ['Todoist ID', 'Section'] } });
    const api = client();
    const error = await checkSchemas(api, sb.databases).catch((e: unknown) => e);
    expect(isNotionError(error, 'schema_invalid')).toBe(true);
    const message = (error as Error).message;
    expect(message).toContain(`todos "Todos" (${sb.databases.todos})`);
    expect(message).toContain('"Todoist ID" of type rich_text is missing');
    expect(message).not.toContain('Section');
  });

  it('reports optional properties missing as skipped and reads each schema once', async () => {
    const { sb, client } = await sandbox({ omitProperties: { todos: ['Section', 'Parent'] } });
    const api = client();
    const report = await checkSchemas(api, sb.databases);
    expect(report.skipped.map((s) => s.property).sort()).toEqual(['Parent', 'Section']);
    expect(report.available.todos?.has('Todoist ID')).toBe(true);
    await checkSchemas(api, sb.databases);
    expect(sb.counts().byRoute['GET /v1/data_sources/:id']).toBe(4);
  });

  it.each<NotionVersion>(['2026-03-11', '2025-09-03', '2022-06-28'])(
    'under %s: create, find by Todoist ID, read back, trash',
    async (version) => {
      const { sb, client } = await sandbox({});
      const api = client({ version });
      const created = await api.createPage(sb.databases.todos, {
        Name: title('Buy milk'),
        'Todoist ID': richText('t-1'),
        Done: checkbox(true),
        Due: date({ start: '2026-09-01' }),
        Priority: select('P1'),
        Labels: multiSelect(['home', 'errand']),
        'Todoist URL': url('https://app.todoist.com/app/task/t-1'),
      });
      const [found] = (await api.query(sb.databases.todos, { filter: textEquals('Todoist ID', 't-1') }))
        .results;
      expect(found?.id).toBe(created.id);
      if (!found) return;
      expect(readTitle(found, 'Name')).toBe('Buy milk');
      expect(readText(found, 'Todoist ID')).toBe('t-1');
      expect(readCheckbox(found, 'Done')).toBe(true);
      expect(readDate(found, 'Due')?.start).toBe('2026-09-01');
      expect(readSelect(found, 'Priority')).toBe('P1');
      expect(readMultiSelect(found, 'Labels')).toEqual(['home', 'errand']);

      await api.updatePage(created.id, { inTrash: true });
      expect((await api.retrievePage(created.id)).in_trash).toBe(true);
      expect(
        (await api.query(sb.databases.todos, { filter: textEquals('Todoist ID', 't-1') })).results,
      ).toEqual([]);
      const edit = await api
        .updatePage(created.id, { properties: { Done: checkbox(false) } })
        .catch((e: unknown) => e);
      expect(isPageGone(edit)).toBe(true);

      const queryRoute =
        version === '2022-06-28' ? 'POST /v1/databases/:id/query' : 'POST /v1/data_sources/:id/query';
      expect(sb.counts().byRoute[queryRoute]).toBe(2);
      expect(api.stats().byRoute[queryRoute]).toBe(2);
    },
  );
});

describe('Notion-Version 2026-03-11 through the product client', () => {
  it('trashes with in_trash, reads pages without archived, appends comment blocks without after', async () => {
    // Prepare: the sandbox refuses `archived` and `after` under 2026-03-11, as Notion does.
    const { sb, client } = await sandbox({});
    const api = client({ version: '2026-03-11' });
    const page = await api.createPage(sb.databases.todos, {
      Name: title('Water plants'),
      'Todoist ID': richText('t-9'),
    });

    // Act: what the sync does to a page: read, append comment paragraphs, edit one, trash the page.
    const blocks = api.blocks;
    if (!blocks) throw new Error('the product client has block operations');
    const paragraph = (text: string) => ({
      type: 'paragraph' as const,
      paragraph: { rich_text: [{ type: 'text' as const, text: { content: text } }] },
    });
    const [first] = await blocks.append(page.id, [paragraph('first')]);
    await blocks.append(page.id, [paragraph('second')]);
    if (first) await blocks.update(first.id, paragraph('first, edited'));
    const read = await api.retrievePage(page.id);
    const trashed = await api.updatePage(page.id, { inTrash: true });

    // Assess: every call was accepted; the trash flag is read from in_trash alone.
    expect(read.in_trash).toBe(false);
    expect(read.archived).toBeUndefined();
    expect(trashed.in_trash).toBe(true);
    expect(trashed.archived).toBeUndefined();
    const stored = sb
      .pages({ databaseId: sb.databases.todos, includeTrashed: true })
      .find((p) => p.id === page.id);
    const texts = (stored?.children ?? []).map(
      (b) =>
        (b as { paragraph: { rich_text: Array<{ plain_text: string }> } }).paragraph.rich_text[0]
          ?.plain_text ?? '',
    );
    expect(texts).toEqual(['first, edited', 'second']);
    expect(sb.counts().status['400']).toBeUndefined();
  });
});

function pct(part: number, whole: number): string {
  return whole === 0 ? '0%' : `${((100 * part) / whole).toFixed(1)}%`;
}
