import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signBody } from '../../../src/todoist/signature.js';
import type { TodoistRecord } from './records.js';
import { type Command, createSyncApplier, type TaskChange, webhookBody } from './sync-commands.js';

export { makeProject, makeSection, makeTask, type TodoistRecord } from './records.js';

/**
 * A local stand-in for the Todoist API v1 read endpoints the product uses, with cursor pagination,
 * Bearer auth, and switchable faults (a 429 every N requests, the next N answers failing).
 */
export interface TodoistFakeOptions {
  tasks?: TodoistRecord[];
  projects?: TodoistRecord[];
  /** Completed tasks, served by `/tasks/completed/by_completion_date` (filtered on `completed_at`). */
  completed?: TodoistRecord[];
  /** Collaborators by project id. */
  collaborators?: Record<string, Array<{ id: string; name?: string; email?: string }>>;
  sections?: TodoistRecord[];
  /** Largest `limit` accepted (Todoist: 200); more is a 400. */
  pageSizeMax?: number;
  /** Every Nth request (counting all) answers 429 with Retry-After. */
  rateLimitEvery?: number;
  retryAfterSeconds?: number;
  /** The only Bearer token accepted. */
  token?: string;
  /** Where signed webhooks for task changes go (our own commands' echoes and `personEdit`). */
  webhook?: { url: string; secret: string };
}

export interface TodoistFakeState {
  tasks: Map<string, TodoistRecord>;
  projects: Map<string, TodoistRecord>;
  completed: Map<string, TodoistRecord>;
  collaborators: Map<string, Array<{ id: string; name?: string; email?: string }>>;
  sections: Map<string, TodoistRecord>;
}

export interface TodoistFake {
  /** Origin to use as `TODOIST_BASE_URL`. */
  url: string;
  token: string;
  /** Mutable: tests change Todoist's data between calls. */
  state: TodoistFakeState;
  counts(): { total: number; rateLimited: number; failed: number; byRoute: Record<string, number> };
  /** The next `times` authorised requests answer `status` (e.g. 500, 503). */
  failNext(status: number, times?: number): void;
  /** The next `times` `/api/v1/sync` requests are applied, then their answer is lost (socket destroyed). */
  loseNextSyncResponse(times?: number): void;
  /** Sync commands actually applied (a uuid seen before is not applied again). */
  executed(): Command[];
  /** `/api/v1/sync` requests received, repeats included. */
  syncRequests(): number;
  /** A person's edit in Todoist: the task changes and its webhook is sent. */
  personEdit(id: string, change: Record<string, unknown>): Promise<void>;
  /** Resolves once every webhook sent so far was answered. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

type Handler = (params: string[], query: URLSearchParams) => { status: number; body: unknown };

const byId = (records: TodoistRecord[] = []) => new Map(records.map((r) => [r.id, r]));
const error = (status: number, tag: string, message: string) => ({
  status,
  body: {
    error: message,
    error_code: status === 404 ? 478 : 20,
    error_extra: {},
    error_tag: tag,
    http_code: status,
  },
});
const notFound = () => error(404, 'NOT_FOUND', 'Not found');
const isActive = (r: TodoistRecord) => r['checked'] !== true && r['is_deleted'] !== true;

/** Starts the fake on 127.0.0.1 (free port). */
export async function startTodoistFake(options: TodoistFakeOptions = {}): Promise<TodoistFake> {
  const token = options.token ?? 'todoist-test-token';
  const pageSizeMax = options.pageSizeMax ?? 200;
  const state: TodoistFakeState = {
    tasks: byId(options.tasks),
    projects: byId(options.projects),
    completed: byId(options.completed),
    collaborators: new Map(Object.entries(options.collaborators ?? {})),
    sections: byId(options.sections),
  };
  const stats = { total: 0, rateLimited: 0, failed: 0, byRoute: {} as Record<string, number> };
  const faults: number[] = [];
  const applier = createSyncApplier(state.tasks);
  const webhooks = new Set<Promise<void>>();
  let lostAnswers = 0;
  let syncRequests = 0;
  let deliveries = 0;

  function emit(change: TaskChange): void {
    const target = options.webhook;
    if (!target) return;
    const body = webhookBody(change);
    deliveries += 1;
    const deliveryId = `fake-delivery-${deliveries}`;
    const job = (async () => {
      for (let attempt = 0; attempt < 5; attempt++) {
        try {
          const res = await fetch(target.url, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              'x-todoist-hmac-sha256': signBody(body, target.secret),
              'x-todoist-delivery-id': deliveryId,
            },
            body,
          });
          await res.arrayBuffer();
          if (res.status === 200) return;
        } catch {
          // Todoist retries a failed delivery.
        }
        await new Promise((r) => setTimeout(r, 200 * 2 ** attempt));
      }
    })().finally(() => webhooks.delete(job));
    webhooks.add(job);
  }

  function sync(text: string, contentType: string | undefined): { status: number; body: unknown } {
    syncRequests += 1;
    stats.byRoute['POST /api/v1/sync'] = (stats.byRoute['POST /api/v1/sync'] ?? 0) + 1;
    let commands: unknown;
    try {
      commands = contentType?.includes('application/json')
        ? (JSON.parse(text) as { commands?: unknown }).commands
        : JSON.parse(new URLSearchParams(text).get('commands') ?? 'null');
    } catch {
      return error(400, 'INVALID_ARGUMENT_VALUE', 'commands is not JSON');
    }
    if (!Array.isArray(commands)) return error(400, 'ARGUMENT_MISSING', 'commands is required');
    const answer = applier.apply(commands as Command[]);
    for (const change of answer.changes) emit(change);
    return {
      status: 200,
      body: { sync_status: answer.sync_status, temp_id_mapping: answer.temp_id_mapping, full_sync: false },
    };
  }

  function paginate(route: string, items: unknown[], query: URLSearchParams, key: 'results' | 'items') {
    const limit = query.has('limit') ? Number(query.get('limit')) : 50;
    if (!Number.isInteger(limit) || limit < 1 || limit > pageSizeMax) {
      return error(400, 'INVALID_ARGUMENT_VALUE', `limit must be an integer between 1 and ${pageSizeMax}`);
    }
    const fingerprint = [
      route,
      ...[...query]
        .filter(([k]) => k !== 'cursor' && k !== 'limit')
        .sort()
        .map(([k, v]) => `${k}=${v}`),
    ].join('&');
    let offset = 0;
    const cursor = query.get('cursor');
    if (cursor) {
      let decoded: { o: number; f: string };
      try {
        decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { o: number; f: string };
      } catch {
        return error(400, 'INVALID_ARGUMENT_VALUE', 'cursor is not valid');
      }
      // Todoist requires the same parameters on every page of one listing.
      if (decoded.f !== fingerprint)
        return error(400, 'INVALID_ARGUMENT_VALUE', 'cursor does not match the query');
      offset = decoded.o;
    }
    const page = items.slice(offset, offset + limit);
    const next =
      offset + limit < items.length
        ? Buffer.from(JSON.stringify({ o: offset + limit, f: fingerprint })).toString('base64url')
        : null;
    return { status: 200, body: { [key]: page, next_cursor: next } };
  }

  const routes: Array<[string, RegExp, Handler]> = [
    [
      'GET /api/v1/tasks/completed/by_completion_date',
      /^\/api\/v1\/tasks\/completed\/by_completion_date$/,
      (_p, q) => {
        const since = q.get('since');
        const until = q.get('until');
        if (!since || !until) return error(400, 'ARGUMENT_MISSING', 'since and until are required');
        const [from, to] = [Date.parse(since), Date.parse(until)];
        const items = [...state.completed.values()].filter((t) => {
          const at = Date.parse(String(t['completed_at'] ?? ''));
          return at >= from && at <= to && (!q.get('project_id') || t['project_id'] === q.get('project_id'));
        });
        return paginate('completed', items, q, 'items');
      },
    ],
    [
      'GET /api/v1/tasks/:id',
      /^\/api\/v1\/tasks\/([^/]+)$/,
      ([id]) => {
        const task = state.tasks.get(id ?? '');
        return task && isActive(task) ? { status: 200, body: task } : notFound();
      },
    ],
    [
      'GET /api/v1/tasks',
      /^\/api\/v1\/tasks$/,
      (_p, q) => {
        const ids = q.get('ids')?.split(',');
        const items = [...state.tasks.values()].filter(
          (t) =>
            isActive(t) &&
            (!q.get('project_id') || t['project_id'] === q.get('project_id')) &&
            (!q.get('section_id') || t['section_id'] === q.get('section_id')) &&
            (!q.get('parent_id') || t['parent_id'] === q.get('parent_id')) &&
            (!q.get('label') || (t['labels'] as string[] | undefined)?.includes(q.get('label') ?? '')) &&
            (!ids || ids.includes(t.id)),
        );
        return paginate('tasks', items, q, 'results');
      },
    ],
    [
      'GET /api/v1/projects/:id/collaborators',
      /^\/api\/v1\/projects\/([^/]+)\/collaborators$/,
      ([id], q) => {
        const list = state.collaborators.get(id ?? '');
        if (!list && !state.projects.has(id ?? '')) return notFound();
        return paginate(`collaborators:${id}`, list ?? [], q, 'results');
      },
    ],
    [
      'GET /api/v1/projects/:id',
      /^\/api\/v1\/projects\/([^/]+)$/,
      ([id]) => {
        const project = state.projects.get(id ?? '');
        return project && project['is_deleted'] !== true ? { status: 200, body: project } : notFound();
      },
    ],
    [
      'GET /api/v1/projects',
      /^\/api\/v1\/projects$/,
      (_p, q) => {
        const items = [...state.projects.values()].filter(
          (p) => p['is_deleted'] !== true && p['is_archived'] !== true,
        );
        return paginate('projects', items, q, 'results');
      },
    ],
    [
      'GET /api/v1/sections/:id',
      /^\/api\/v1\/sections\/([^/]+)$/,
      ([id]) => {
        const section = state.sections.get(id ?? '');
        return section && section['is_deleted'] !== true ? { status: 200, body: section } : notFound();
      },
    ],
    [
      'GET /api/v1/sections',
      /^\/api\/v1\/sections$/,
      (_p, q) => {
        const items = [...state.sections.values()].filter(
          (s) =>
            s['is_deleted'] !== true && (!q.get('project_id') || s['project_id'] === q.get('project_id')),
        );
        return paginate('sections', items, q, 'results');
      },
    ],
  ];

  function answer(req: IncomingMessage): { status: number; body: unknown; headers?: Record<string, string> } {
    stats.total += 1;
    const url = new URL(req.url ?? '/', 'http://fake');
    if (req.headers.authorization !== `Bearer ${token}`)
      return error(401, 'AUTH_INVALID_TOKEN', 'Invalid token');
    if (options.rateLimitEvery && stats.total % options.rateLimitEvery === 0) {
      stats.rateLimited += 1;
      const seconds = options.retryAfterSeconds ?? 1;
      return {
        ...error(429, 'TOO_MANY_REQUESTS', 'Too many requests'),
        body: {
          error: 'Too many requests',
          error_tag: 'TOO_MANY_REQUESTS',
          http_code: 429,
          error_extra: { retry_after: seconds },
        },
        headers: { 'retry-after': String(seconds) },
      };
    }
    const fault = faults.shift();
    if (fault !== undefined) {
      stats.failed += 1;
      return error(fault, 'SERVICE_UNAVAILABLE', 'Service unavailable');
    }
    if (req.method !== 'GET') return error(405, 'METHOD_NOT_ALLOWED', 'Only GET is served by this fake');
    for (const [name, pattern, handler] of routes) {
      const m = pattern.exec(url.pathname);
      if (!m) continue;
      stats.byRoute[name] = (stats.byRoute[name] ?? 0) + 1;
      return handler(m.slice(1).map(decodeURIComponent), url.searchParams);
    }
    return notFound();
  }

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.method === 'POST' && new URL(req.url ?? '/', 'http://fake').pathname === '/api/v1/sync') {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        stats.total += 1;
        if (req.headers.authorization !== `Bearer ${token}`) {
          const e = error(401, 'AUTH_INVALID_TOKEN', 'Invalid token');
          res.writeHead(e.status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(e.body));
          return;
        }
        const result = sync(Buffer.concat(chunks).toString('utf8'), req.headers['content-type']);
        if (lostAnswers > 0 && result.status === 200) {
          lostAnswers -= 1;
          res.destroy();
          return;
        }
        res.writeHead(result.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(result.body));
      });
      return;
    }
    const { status, body, headers } = answer(req);
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
    req.resume();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    token,
    state,
    counts: () => ({ ...stats, byRoute: { ...stats.byRoute } }),
    failNext: (status, times = 1) => {
      for (let i = 0; i < times; i++) faults.push(status);
    },
    loseNextSyncResponse: (times = 1) => {
      lostAnswers += times;
    },
    executed: () => structuredClone(applier.executed),
    syncRequests: () => syncRequests,
    async personEdit(id, change) {
      const task = state.tasks.get(id);
      if (!task) throw new Error(`no task ${id}`);
      Object.assign(task, change, { updated_at: `${new Date().toISOString().slice(0, 23)}000Z` });
      emit({ eventName: 'item:updated', task: structuredClone(task) });
      await Promise.all([...webhooks]);
    },
    settled: async () => {
      while (webhooks.size > 0) await Promise.all([...webhooks]);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
