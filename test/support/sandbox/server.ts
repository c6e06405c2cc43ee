import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type DbKey, TITLES } from './schema.js';
import { databaseJson, dataSourceJson, pageJson, type Version } from './shapes.js';
import { normaliseId, ValidationError } from './values.js';
import { ApiError, Workspace } from './workspace.js';

type Json = Record<string, unknown>;

/** Faults switchable per instance and at run time. */
export interface SandboxFaults {
  /** A new or changed page shows in query results only after this long (retrieve is immediate). */
  lagMs?: number;
  /** Average requests/s allowed (token bucket); over it → 429 rate_limited with Retry-After. */
  rps?: number;
  /** Share (0..1) of requests answered 500 or 503 without doing the work. */
  errorRate?: number;
  /** Share of page creates that are made but whose response is lost (socket reset or 504). */
  lostCreateRate?: number;
  latencyMs?: number;
  seed?: number;
}

export interface SandboxOptions extends SandboxFaults {
  port?: number;
  host?: string;
  databases?: Partial<Record<DbKey, string>>;
  /** Properties to leave out of the default schema (schema-check tests). */
  omitProperties?: Partial<Record<DbKey, string[]>>;
}

export interface SandboxPage {
  id: string;
  databaseId: string;
  created_time: string;
  last_edited_time: string;
  in_trash: boolean;
  properties: Record<string, unknown>;
  children: unknown[];
}

export interface SandboxCounts {
  total: number;
  byRoute: Record<string, number>;
  status: Record<string, number>;
  lostCreates: number;
  injectedErrors: number;
  rateLimited: number;
}

export interface NotionSandbox {
  url: string;
  databases: Record<DbKey, string>;
  dataSources: Record<DbKey, string>;
  setFaults(faults: SandboxFaults): void;
  pages(options?: { databaseId?: string; includeTrashed?: boolean }): SandboxPage[];
  counts(): SandboxCounts;
  reset(): void;
  close(): Promise<void>;
}

function mulberry(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ROUTES: Array<[string, RegExp]> = [
  ['GET /v1/databases/:id', /^GET \/v1\/databases\/([^/]+)$/],
  ['POST /v1/databases/:id/query', /^POST \/v1\/databases\/([^/]+)\/query$/],
  ['GET /v1/data_sources/:id', /^GET \/v1\/data_sources\/([^/]+)$/],
  ['POST /v1/data_sources/:id/query', /^POST \/v1\/data_sources\/([^/]+)\/query$/],
  ['POST /v1/pages', /^POST \/v1\/pages$/],
  ['GET /v1/pages/:id', /^GET \/v1\/pages\/([^/]+)$/],
  ['PATCH /v1/pages/:id', /^PATCH \/v1\/pages\/([^/]+)$/],
  ['GET /v1/pages/:id/properties/:id', /^GET \/v1\/pages\/([^/]+)\/properties\/([^/]+)$/],
  ['GET /v1/blocks/:id/children', /^GET \/v1\/blocks\/([^/]+)\/children$/],
  ['PATCH /v1/blocks/:id/children', /^PATCH \/v1\/blocks\/([^/]+)\/children$/],
  ['PATCH /v1/blocks/:id', /^PATCH \/v1\/blocks\/([^/]+)$/],
  ['DELETE /v1/blocks/:id', /^DELETE \/v1\/blocks\/([^/]+)$/],
];

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'x-notion-request-id': randomUUID(),
    ...headers,
  });
  res.end(text);
}

function paginate<T>(items: T[], body: Json): { slice: T[]; hasMore: boolean; next: string | null } {
  const size = body['page_size'] === undefined ? 100 : Number(body['page_size']);
  if (!Number.isInteger(size) || size < 1 || size > 100) {
    throw new ValidationError(
      'body.page_size should be ≤ `100`, instead was `' + String(body['page_size']) + '`.',
    );
  }
  const cursor = typeof body['start_cursor'] === 'string' ? body['start_cursor'] : undefined;
  const start = cursor ? Number(Buffer.from(cursor, 'base64url').toString('utf8').replace(/^c/, '')) : 0;
  if (!Number.isInteger(start) || start < 0)
    throw new ValidationError('body.start_cursor should be a valid cursor.');
  const slice = items.slice(start, start + size);
  const hasMore = start + size < items.length;
  return { slice, hasMore, next: hasMore ? Buffer.from(`c${start + size}`).toString('base64url') : null };
}

/** Starts a Notion-compatible HTTP server on loopback for tests, the demo and the benchmark. */
export async function startNotionSandbox(options: SandboxOptions = {}): Promise<NotionSandbox> {
  const ws = new Workspace(options.databases, options.omitProperties);
  let faults: Required<Omit<SandboxFaults, 'seed'>> = {
    lagMs: 0,
    rps: 0,
    errorRate: 0,
    lostCreateRate: 0,
    latencyMs: 0,
  };
  let random = mulberry(options.seed ?? 42);
  let bucket = { tokens: 0, at: Date.now() };
  let counts: SandboxCounts;
  const resetCounts = () => {
    counts = { total: 0, byRoute: {}, status: {}, lostCreates: 0, injectedErrors: 0, rateLimited: 0 };
  };
  resetCounts();
  const setFaults = (f: SandboxFaults) => {
    faults = {
      lagMs: f.lagMs ?? faults.lagMs,
      rps: f.rps ?? faults.rps,
      errorRate: f.errorRate ?? faults.errorRate,
      lostCreateRate: f.lostCreateRate ?? faults.lostCreateRate,
      latencyMs: f.latencyMs ?? faults.latencyMs,
    };
    if (f.seed !== undefined) random = mulberry(f.seed);
    if (f.rps !== undefined) bucket = { tokens: Math.max(1, f.rps), at: Date.now() };
    ws.lagMs = faults.lagMs;
  };
  setFaults(options);

  const takeToken = (): number => {
    if (!faults.rps) return 0;
    const now = Date.now();
    const burst = Math.max(1, faults.rps);
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * faults.rps);
    bucket.at = now;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - bucket.tokens) / faults.rps) * 1000);
  };

  const pages = (opts: { databaseId?: string; includeTrashed?: boolean } = {}): SandboxPage[] =>
    [...ws.pages.values()]
      .filter(
        (p) =>
          (opts.includeTrashed || !p.in_trash) &&
          (!opts.databaseId || ws.databases[p.db].id === normaliseId(opts.databaseId)),
      )
      .map((p) => ({
        id: p.id,
        databaseId: ws.databases[p.db].id,
        created_time: p.created_time,
        last_edited_time: p.last_edited_time,
        in_trash: p.in_trash,
        properties: structuredClone(p.properties),
        children: structuredClone(p.children),
      }));

  const control = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const path = url.pathname;
    if (path === '/__sandbox/pages') {
      const db = url.searchParams.get('database') ?? undefined;
      send(res, 200, {
        pages: pages({
          ...(db ? { databaseId: db } : {}),
          includeTrashed: url.searchParams.get('trashed') === '1',
        }),
      });
    } else if (path === '/__sandbox/counts') send(res, 200, counts);
    else if (path === '/__sandbox/info') send(res, 200, { url: sandbox.url, ...ws.info() });
    else if (path === '/__sandbox/faults' && req.method === 'POST') {
      setFaults(JSON.parse((await readBody(req)) || '{}') as SandboxFaults);
      send(res, 200, faults);
    } else if (path === '/__sandbox/reset' && req.method === 'POST') {
      ws.pages.clear();
      resetCounts();
      send(res, 200, { ok: true });
    } else send(res, 404, { error: 'unknown control route' });
  };

  const api = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const signature = `${req.method} ${url.pathname.replace(/\/+$/, '')}`;
    const route = ROUTES.find(([, re]) => re.test(signature));
    const name = route?.[0] ?? `${req.method} (unknown)`;
    counts.total++;
    counts.byRoute[name] = (counts.byRoute[name] ?? 0) + 1;
    const reply = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      counts.status[status] = (counts.status[status] ?? 0) + 1;
      send(res, status, body, headers);
    };
    const error = (e: ApiError, headers: Record<string, string> = {}) =>
      reply(
        e.status,
        { object: 'error', status: e.status, code: e.code, message: e.message, request_id: randomUUID() },
        headers,
      );

    const version = req.headers['notion-version'];
    if (!version)
      return error(
        new ApiError(
          400,
          'missing_version',
          'Notion-Version header failed validation: Notion-Version header should be defined, instead was `undefined`.',
        ),
      );
    if (version !== '2025-09-03' && version !== '2022-06-28' && version !== '2026-03-11') {
      return error(
        new ApiError(
          400,
          'validation_error',
          `Notion-Version header failed validation: unsupported version ${String(version)}.`,
        ),
      );
    }
    if (!/^Bearer \S+/.test(req.headers.authorization ?? ''))
      return error(new ApiError(401, 'unauthorized', 'API token is invalid.'));
    const waitMs = takeToken();
    if (waitMs > 0) {
      counts.rateLimited++;
      return error(
        new ApiError(429, 'rate_limited', 'You have been rate limited. Please try again in a few minutes.'),
        {
          'retry-after': String(Math.max(1, Math.ceil(waitMs / 1000))),
          'retry-after-ms': String(waitMs),
        },
      );
    }
    if (faults.latencyMs) await new Promise((r) => setTimeout(r, faults.latencyMs));
    if (faults.errorRate && random() < faults.errorRate) {
      counts.injectedErrors++;
      return random() < 0.5
        ? error(new ApiError(500, 'internal_server_error', 'Unexpected error occurred.'))
        : error(new ApiError(503, 'service_unavailable', 'Notion is unavailable, please try again later.'));
    }
    const v: Version = version === '2022-06-28' ? '2022-06-28' : '2025-09-03';
    let body: Json = {};
    try {
      const text = await readBody(req);
      body = text ? (JSON.parse(text) as Json) : {};
    } catch {
      return error(new ApiError(400, 'invalid_json', 'Error parsing JSON body.'));
    }
    if (!route) return error(new ApiError(400, 'invalid_request_url', 'Invalid request URL.'));
    const params = (signature.match(route[1]) ?? []).slice(1).map((p) => decodeURIComponent(p));
    const id = params[0] ?? '';
    try {
      switch (route[0]) {
        case 'GET /v1/databases/:id': {
          const db = ws.database(id, 'database');
          return reply(200, databaseJson(ws, db, v, TITLES[db.key]));
        }
        case 'GET /v1/data_sources/:id':
        case 'POST /v1/data_sources/:id/query':
        case 'POST /v1/databases/:id/query': {
          const isDataSource = route[0].includes('data_sources');
          if (isDataSource !== (v === '2025-09-03'))
            throw new ApiError(400, 'invalid_request_url', 'Invalid request URL.');
          const db = ws.database(id, isDataSource ? 'data_source' : 'database');
          if (route[0] === 'GET /v1/data_sources/:id')
            return reply(200, dataSourceJson(ws, db, TITLES[db.key]));
          const found = ws.query(db, body) as Array<ReturnType<Workspace['query']>[number] & { id: string }>;
          const { slice, hasMore, next } = paginate(found, body);
          const type = v === '2025-09-03' ? 'page_or_data_source' : 'page_or_database';
          return reply(200, {
            object: 'list',
            results: slice.map((snap) => pageJson(ws, ws.page(snap.id), v, snap)),
            next_cursor: next,
            has_more: hasMore,
            type,
            [type]: {},
          });
        }
        case 'POST /v1/pages': {
          const parent = (body['parent'] ?? {}) as Json;
          const dsId = parent['data_source_id'];
          const dbId = parent['database_id'];
          if (typeof dsId !== 'string' && typeof dbId !== 'string') {
            throw new ValidationError('body.parent should be a database_id or data_source_id parent.');
          }
          const db =
            typeof dsId === 'string'
              ? ws.database(dsId, 'data_source')
              : ws.database(String(dbId), 'database');
          const page = ws.create(db, body['properties'], body['children']);
          if (faults.lostCreateRate && random() < faults.lostCreateRate) {
            counts.lostCreates++;
            if (random() < 0.5) {
              res.socket?.destroy();
              return;
            }
            return error(new ApiError(504, 'gateway_timeout', 'Notion timed out.'));
          }
          return reply(200, pageJson(ws, page, v));
        }
        case 'GET /v1/pages/:id':
          return reply(200, pageJson(ws, ws.page(id), v));
        case 'PATCH /v1/pages/:id':
          return reply(200, pageJson(ws, ws.update(id, body), v));
        case 'GET /v1/pages/:id/properties/:id': {
          const page = ws.page(id);
          const prop = Object.values(page.properties).find((p) => p['id'] === params[1]);
          if (!prop)
            throw new ApiError(404, 'object_not_found', `Could not find property with ID: ${params[1]}`);
          const items = (prop['relation'] as Json[] | undefined) ?? [];
          const q = Object.fromEntries(url.searchParams.entries());
          const { slice, hasMore, next } = paginate(items, {
            page_size: q['page_size'] ?? 100,
            start_cursor: q['start_cursor'],
          });
          return reply(200, {
            object: 'list',
            results: slice.map((r) => ({
              object: 'property_item',
              id: prop['id'],
              type: 'relation',
              relation: r,
            })),
            next_cursor: next,
            has_more: hasMore,
            type: 'property_item',
            property_item: { id: prop['id'], type: 'relation', relation: {} },
          });
        }
        case 'GET /v1/blocks/:id/children': {
          const page = ws.page(id);
          const live = page.children.filter((b) => !b['in_trash']);
          const q = Object.fromEntries(url.searchParams.entries());
          const { slice, hasMore, next } = paginate(live, {
            page_size: q['page_size'] ?? 100,
            start_cursor: q['start_cursor'],
          });
          return reply(200, {
            object: 'list',
            results: slice,
            next_cursor: next,
            has_more: hasMore,
            type: 'block',
            block: {},
          });
        }
        case 'PATCH /v1/blocks/:id/children': {
          const page = ws.page(id);
          const children = body['children'];
          if (!Array.isArray(children) || children.length > 100)
            throw new ValidationError('body.children should be an array of ≤ 100 blocks.');
          const added = (children as Json[]).map((b) => ({
            ...b,
            object: 'block',
            id: randomUUID(),
            in_trash: false,
          }));
          page.children.push(...added);
          return reply(200, { object: 'list', results: added, next_cursor: null, has_more: false });
        }
        case 'PATCH /v1/blocks/:id':
        case 'DELETE /v1/blocks/:id': {
          const wanted = normaliseId(id);
          for (const page of ws.pages.values()) {
            const block = page.children.find((b) => b['id'] === wanted);
            if (!block) continue;
            if (route[0] === 'DELETE /v1/blocks/:id') block['in_trash'] = true;
            else Object.assign(block, body);
            return reply(200, block);
          }
          throw new ApiError(404, 'object_not_found', `Could not find block with ID: ${wanted}`);
        }
        default:
          throw new ApiError(400, 'invalid_request_url', 'Invalid request URL.');
      }
    } catch (e) {
      if (e instanceof ApiError) return error(e);
      if (e instanceof ValidationError) return error(new ApiError(400, 'validation_error', e.message));
      throw e;
    }
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const handler = url.pathname.startsWith('/__sandbox/') ? control : api;
    handler(req, res, url).catch((e: unknown) => {
      if (!res.headersSent)
        send(res, 500, { object: 'error', status: 500, code: 'internal_server_error', message: String(e) });
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve) =>
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve),
  );
  const { port } = server.address() as AddressInfo;
  const info = ws.info();
  const sandbox: NotionSandbox = {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    databases: info.databases,
    dataSources: info.dataSources,
    setFaults,
    pages,
    counts: () => structuredClone(counts),
    reset() {
      ws.pages.clear();
      resetCounts();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return sandbox;
}
