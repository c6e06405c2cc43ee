import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Config, NotionVersion } from '../../src/config/index.js';
import { createLogger } from '../../src/log/logger.js';
import { createNotionApi } from '../../src/notion/client.js';
import { isNotionError } from '../../src/notion/errors.js';
import { textEquals } from '../../src/notion/filters.js';

const DB = '22222222222222222222222222222222';
const page = (id: string) => ({
  object: 'page',
  id,
  created_time: 't',
  last_edited_time: 't',
  in_trash: false,
  properties: {},
});

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r));
});

/** A Notion stand-in answering the database read and paged queries: 5 rows, 2 per page. */
async function start(version: NotionVersion, dataSources: number, incomplete = false) {
  const seen: Array<{ method: string; url: string; body: string }> = [];
  const srv = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString();
    });
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', body });
      if (req.method === 'GET') {
        const sources = Array.from({ length: dataSources }, (_, i) => ({ id: `ds-${i + 1}`, name: `s${i}` }));
        setTimeout(
          () =>
            res.end(
              JSON.stringify({
                object: 'database',
                id: DB,
                title: [{ plain_text: 'Todos' }],
                data_sources: sources,
              }),
            ),
          20,
        );
        return;
      }
      const cursor = Number((JSON.parse(body) as { start_cursor?: string }).start_cursor ?? '0');
      const rows = [0, 1, 2, 3, 4].slice(cursor, cursor + 2).map((i) => page(`row-${i}`));
      const more = cursor + 2 < 5;
      res.end(
        JSON.stringify({
          object: 'list',
          results: rows,
          has_more: more,
          next_cursor: more ? String(cursor + 2) : null,
          ...(incomplete && !more
            ? { request_status: { type: 'incomplete', incomplete_reason: 'query_result_limit_reached' } }
            : {}),
        }),
      );
    });
  });
  server = srv;
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const config: Config['notion'] = {
    token: 'tok',
    baseUrl: `http://127.0.0.1:${(srv.address() as AddressInfo).port}`,
    version,
    databases: { areas: DB, projects: DB, todos: DB, people: undefined },
    rps: 1000,
    concurrency: 4,
    timeoutMs: 2_000,
    indexLagMs: 0,
  };
  const lines: string[] = [];
  const api = createNotionApi({ config, logger: createLogger({ sink: (l) => lines.push(l) }) });
  return { api, seen, lines };
}

async function collect(iterable: AsyncIterable<{ id: string }>): Promise<string[]> {
  const out: string[] = [];
  for await (const p of iterable) out.push(p.id);
  return out;
}

describe('queries', () => {
  it('2025-09-03: resolves the data source once for concurrent callers, then pages through every row', async () => {
    const { api, seen } = await start('2025-09-03', 1);
    const [a, b] = await Promise.all([
      collect(api.queryAll(DB, { filter: textEquals('Todoist ID', '1') })),
      collect(api.queryAll(DB)),
    ]);
    expect(a).toEqual(['row-0', 'row-1', 'row-2', 'row-3', 'row-4']);
    expect(b).toEqual(a);
    expect(seen.filter((s) => s.method === 'GET')).toHaveLength(1);
    expect(new Set(seen.filter((s) => s.method === 'POST').map((s) => s.url))).toEqual(
      new Set(['/v1/data_sources/ds-1/query']),
    );
    expect(JSON.parse(seen.find((s) => s.method === 'POST')?.body ?? '{}').filter).toEqual({
      property: 'Todoist ID',
      rich_text: { equals: '1' },
    });
    expect(api.stats().byRoute).toEqual({ 'GET /v1/databases/:id': 1, 'POST /v1/data_sources/:id/query': 6 });
    await api.close();
  });

  it('2022-06-28: queries the database directly, no database read', async () => {
    const { api, seen } = await start('2022-06-28', 1);
    expect(await collect(api.queryAll(DB))).toHaveLength(5);
    expect(seen.every((s) => s.url === `/v1/databases/${DB}/query`)).toBe(true);
    await api.close();
  });

  it('a database with two data sources fails loudly, naming it and the count', async () => {
    const { api } = await start('2025-09-03', 2);
    const error = await api.query(DB).catch((e: unknown) => e);
    expect(isNotionError(error, 'schema_invalid')).toBe(true);
    expect((error as Error).message).toContain(`"Todos" (${DB}) has 2 data sources`);
    await api.close();
  });

  it('logs a WARNING when Notion says the result is incomplete (10,000-row cap)', async () => {
    const { api, lines } = await start('2025-09-03', 1, true);
    await collect(api.queryAll(DB));
    const warning = lines
      .map((l) => JSON.parse(l) as { severity: string; message: string; reason?: string })
      .find((l) => l.severity === 'WARNING');
    expect(warning).toMatchObject({
      message: 'notion query result incomplete',
      reason: 'query_result_limit_reached',
    });
    await api.close();
  });
});
