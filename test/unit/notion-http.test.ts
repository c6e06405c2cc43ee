import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MockAgent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/index.js';
import { createLogger } from '../../src/log/logger.js';
import { createNotionApi } from '../../src/notion/client.js';
import { isNotionError, isOutcomeUnknown } from '../../src/notion/errors.js';

const TOKEN = 'secret_token_do_not_log_123';
const DB = '11111111111111111111111111111111';
const PAGE = {
  object: 'page',
  id: 'page-1',
  created_time: 't',
  last_edited_time: 't',
  in_trash: false,
  properties: {},
};

type Handler = (req: IncomingMessage, res: ServerResponse, body: string, n: number) => void;

let server: Server | undefined;
afterEach(async () => {
  const open = server;
  server = undefined;
  if (!open) return;
  open.closeAllConnections();
  await new Promise((r) => open.close(r));
});

const notionAt = (baseUrl: string): Config['notion'] => ({
  token: TOKEN,
  baseUrl,
  version: '2025-09-03',
  databases: { areas: DB, projects: DB, todos: DB, people: undefined },
  rps: 1000,
  concurrency: 4,
  timeoutMs: 300,
  indexLagMs: 0,
});

/** A scripted Notion stand-in on 127.0.0.1 that records every request it receives. */
async function fakeNotion(handler: Handler) {
  const seen: Array<{ method: string; url: string; headers: IncomingMessage['headers']; body: string }> = [];
  const srv = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString();
    });
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      if (req.method === 'GET' && req.url === `/v1/databases/${DB}`) {
        res.end(
          JSON.stringify({
            object: 'database',
            id: DB,
            title: [],
            data_sources: [{ id: 'ds-1', name: 'x' }],
          }),
        );
        return;
      }
      handler(req, res, body, seen.length);
    });
  });
  server = srv;
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const lines: string[] = [];
  const config = notionAt(`http://127.0.0.1:${(srv.address() as AddressInfo).port}`);
  const api = createNotionApi({
    config,
    logger: createLogger({ sink: (l) => lines.push(l) }),
    retry: { initialDelayMs: 5, maxDelayMs: 20 },
  });
  return { api, seen, lines, writes: () => seen.filter((s) => s.url === '/v1/pages') };
}

const json = (res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(value));
};

describe('the Notion HTTP choke point', () => {
  it('sends the token, version and JSON headers, and counts by route', async () => {
    const { api, seen, lines } = await fakeNotion((_req, res) => json(res, 200, PAGE));
    await api.updatePage('page-1', { inTrash: true });
    const patch = seen.find((s) => s.method === 'PATCH');
    expect(patch?.url).toBe('/v1/pages/page-1');
    expect(patch?.headers['authorization']).toBe(`Bearer ${TOKEN}`);
    expect(patch?.headers['notion-version']).toBe('2025-09-03');
    expect(patch?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(patch?.body ?? '{}')).toEqual({ in_trash: true });
    expect(api.stats().byRoute).toEqual({ 'PATCH /v1/pages/:id': 1 });
    expect(lines.join('\n')).not.toContain(TOKEN);
    await api.close();
  });

  it('creates under the data source of the database', async () => {
    const { api, writes } = await fakeNotion((_req, res) => json(res, 200, PAGE));
    await api.createPage(DB, {});
    expect(JSON.parse(writes()[0]?.body ?? '{}').parent).toEqual({
      type: 'data_source_id',
      data_source_id: 'ds-1',
    });
    await api.close();
  });

  it('a create whose connection is reset is reported as outcome unknown and sent only once', async () => {
    const { api, writes } = await fakeNotion((req) => req.socket.destroy());
    const error = await api.createPage(DB, {}).catch((e: unknown) => e);
    expect(isOutcomeUnknown(error)).toBe(true);
    expect(writes()).toHaveLength(1);
    await api.close();
  });

  it('a create answered 500 is outcome unknown, never retried', async () => {
    const { api, writes } = await fakeNotion((_req, res) =>
      json(res, 500, { object: 'error', code: 'internal_server_error', message: 'x' }),
    );
    const error = await api.createPage(DB, {}).catch((e: unknown) => e);
    expect(isOutcomeUnknown(error)).toBe(true);
    expect(writes()).toHaveLength(1);
    await api.close();
  });

  it('a create answered 429 waits retry-after-ms and is sent again (Notion did nothing the first time)', async () => {
    const { api, writes } = await fakeNotion((_req, res, _b, n) =>
      n === 2
        ? json(
            res,
            429,
            { object: 'error', code: 'rate_limited', message: 'slow' },
            { 'retry-after': '1', 'retry-after-ms': '30' },
          )
        : json(res, 200, PAGE),
    );
    await expect(api.createPage(DB, {})).resolves.toMatchObject({ id: 'page-1' });
    expect(writes()).toHaveLength(2);
    expect(api.stats().retries).toEqual({ rate_limited: 1 });
    await api.close();
  });

  it('a create is checked again each time the limiter admits it, and one refused at admission is never sent', async () => {
    const { api, writes } = await fakeNotion((_req, res, _b, n) =>
      n === 2
        ? json(
            res,
            429,
            { object: 'error', code: 'rate_limited', message: 'slow' },
            { 'retry-after': '1', 'retry-after-ms': '30' },
          )
        : json(res, 200, PAGE),
    );
    let admissions = 0;
    const refusal = new Error('lease too short');
    const beforeSend = () => {
      admissions += 1;
      if (admissions === 2) throw refusal;
    };
    await expect(api.createPage(DB, {}, { beforeSend })).rejects.toBe(refusal);
    expect(admissions).toBe(2);
    expect(writes()).toHaveLength(1);
    await api.close();
  });

  it('a read answered 503 twice is retried and succeeds', async () => {
    const { api, seen } = await fakeNotion((_req, res, _b, n) =>
      n <= 2
        ? json(res, 503, { object: 'error', code: 'service_unavailable', message: 'x' })
        : json(res, 200, PAGE),
    );
    await expect(api.retrievePage('page-1')).resolves.toMatchObject({ id: 'page-1' });
    expect(seen).toHaveLength(3);
    await api.close();
  });

  it('a write is repeated after a 503 only when its caller says it is idempotent', async () => {
    const unavailable = { object: 'error', code: 'service_unavailable', message: 'x' };
    const { api, seen } = await fakeNotion((_req, res) => json(res, 503, unavailable));
    // A block append does not say so: appending twice makes two blocks.
    const append = await api.blocks
      .append('page-1', [{ type: 'paragraph', paragraph: { rich_text: [] } }])
      .catch((e) => e);
    expect(isOutcomeUnknown(append)).toBe(true);
    expect(seen).toHaveLength(1);
    // Neither does a raw PATCH whose caller passed nothing.
    const raw = await api.request('PATCH', '/v1/blocks/b-1', { paragraph: {} }).catch((e: unknown) => e);
    expect(isOutcomeUnknown(raw)).toBe(true);
    expect(seen).toHaveLength(2);
    await api.close();
  });

  it('a page property PATCH says it is idempotent and is retried after a 503', async () => {
    const { api, seen } = await fakeNotion((_req, res, _b, n) =>
      n === 1
        ? json(res, 503, { object: 'error', code: 'service_unavailable', message: 'x' })
        : json(res, 200, PAGE),
    );
    await expect(api.updatePage('page-1', { properties: {} })).resolves.toMatchObject({ id: 'page-1' });
    expect(seen).toHaveLength(2);
    await api.close();
  });

  it('a read that never answers times out, is retried 3 times, then fails with request_timeout', async () => {
    const { api, seen } = await fakeNotion(() => {});
    const error = await api.retrievePage('page-1').catch((e: unknown) => e);
    expect(isNotionError(error, 'request_timeout')).toBe(true);
    expect(seen).toHaveLength(4);
    await api.close();
  });

  it('a 400 validation error is thrown at once with Notion’s message', async () => {
    const { api, seen } = await fakeNotion((_req, res) =>
      json(res, 400, {
        object: 'error',
        code: 'validation_error',
        message: 'Name is not a property that exists.',
      }),
    );
    const error = await api.updatePage('page-1', { properties: {} }).catch((e: unknown) => e);
    expect(isNotionError(error, 'validation_error')).toBe(true);
    expect((error as Error).message).toContain('Name is not a property that exists.');
    expect(seen).toHaveLength(1);
    await api.close();
  });

  it('a create refused at connect never reached Notion: it is sent again, and ends as a network error', async () => {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const { port } = probe.address() as AddressInfo;
    await new Promise((r) => probe.close(r));
    const api = createNotionApi({
      config: notionAt(`http://127.0.0.1:${port}`),
      logger: createLogger({ sink: () => {} }),
      retry: { initialDelayMs: 1, maxDelayMs: 2 },
    });

    const error = await api.request('POST', '/v1/pages', {}).catch((e: unknown) => e);

    expect(isNotionError(error, 'network_error')).toBe(true);
    expect((error as Error).message).toContain('ECONNREFUSED');
    expect(api.stats().retries).toEqual({ network_error: 3 });
    await api.close();
  });

  it('a caller’s undici dispatcher carries the requests (tools and tests may intercept them)', async () => {
    const agent = new MockAgent();
    agent.disableNetConnect();
    agent
      .get('https://notion.invalid')
      .intercept({ path: '/v1/pages/page-1', method: 'GET' })
      .reply(200, PAGE, { headers: { 'content-type': 'application/json' } });
    const api = createNotionApi({
      config: notionAt('https://notion.invalid'),
      logger: createLogger({ sink: () => {} }),
      dispatcher: agent,
    });

    const page = await api.retrievePage('page-1');

    expect(page).toMatchObject({ id: 'page-1' });
    agent.assertNoPendingInterceptors();
    await api.close();
  });
});
