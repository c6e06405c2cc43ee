/** Inspection and control over HTTP (`/__sandbox/...`), so tests in another process can assert; never counted or faulted. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { FaultSettingError } from './faults.js';
import { readBody, send } from './http.js';
import type { NotionSandbox } from './types.js';
import { isObject } from './values.js';

/** The sandbox methods the control routes call. */
export type ControlTarget = Pick<
  NotionSandbox,
  | 'url'
  | 'databases'
  | 'dataSources'
  | 'parentPageId'
  | 'listDatabases'
  | 'pages'
  | 'counts'
  | 'reset'
  | 'webhooks'
  | 'asPerson'
> & {
  setFaults(f: Record<string, unknown>): void;
  faults(): Record<string, number>;
};

/**
 * `GET /__sandbox/pages?database=<id>&trashed=1` → `{pages}`, `GET /__sandbox/counts`, `GET|POST /__sandbox/faults`,
 * `POST /__sandbox/reset`, `GET /__sandbox/info` → `{url, databases, dataSources, parentPageId}`,
 * `GET /__sandbox/databases` → `{databases}` (every database with its properties).
 */
export async function handleControl(
  target: ControlTarget,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const text = await readBody(req);
  const route = `${req.method} ${url.pathname.replace(/\/+$/, '')}`;
  const person = /^PATCH \/__sandbox\/pages\/([^/]+)$/.exec(route);
  if (person || route === 'POST /__sandbox/pages') return personEdit(target, res, text, person?.[1]);
  switch (route) {
    case 'GET /__sandbox/webhooks':
      return send(res, 200, {
        settings: { ...target.webhooks.settings(), verificationToken: undefined },
        stats: target.webhooks.stats(),
      });
    case 'POST /__sandbox/webhooks': {
      const body = parseObject(text);
      if (!body) return send(res, 400, { error: 'invalid_json', message: 'The body must be a JSON object.' });
      target.webhooks.configure(body);
      return send(res, 200, target.webhooks.stats());
    }
    case 'POST /__sandbox/webhooks/flush':
      await target.webhooks.flushAll();
      return send(res, 200, target.webhooks.stats());
    case 'POST /__sandbox/webhooks/verify':
      return send(res, 200, { status: await target.webhooks.verify() });
    case 'GET /__sandbox/pages': {
      const database = url.searchParams.get('database');
      const includeTrashed = ['1', 'true'].includes(url.searchParams.get('trashed') ?? '');
      return send(res, 200, {
        pages: target.pages({ ...(database ? { databaseId: database } : {}), includeTrashed }),
      });
    }
    case 'GET /__sandbox/counts':
      return send(res, 200, target.counts());
    case 'GET /__sandbox/info':
      return send(res, 200, {
        url: target.url,
        databases: target.databases,
        dataSources: target.dataSources,
        parentPageId: target.parentPageId,
      });
    case 'GET /__sandbox/databases':
      return send(res, 200, { databases: target.listDatabases() });
    case 'GET /__sandbox/faults':
      return send(res, 200, target.faults());
    case 'POST /__sandbox/faults': {
      let body: unknown;
      try {
        body = text.trim() === '' ? {} : JSON.parse(text);
      } catch {
        return send(res, 400, {
          error: 'invalid_json',
          message: 'The body must be JSON like {"lagMs":300}.',
        });
      }
      if (!isObject(body))
        return send(res, 400, { error: 'invalid_faults', message: 'The body must be a JSON object.' });
      try {
        target.setFaults(body);
      } catch (e) {
        if (e instanceof FaultSettingError) return send(res, 400, { error: e.code, message: e.message });
        throw e;
      }
      return send(res, 200, target.faults());
    }
    case 'POST /__sandbox/reset':
      target.reset();
      return send(res, 200, { ok: true });
    default:
      return send(res, 404, { error: 'unknown_control_route', message: `No control route ${route}.` });
  }
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const body: unknown = text.trim() === '' ? {} : JSON.parse(text);
    return isObject(body) ? body : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `PATCH /__sandbox/pages/{id}` (`{properties?, in_trash?}`) and `POST /__sandbox/pages`
 * (`{database: "todos", properties}`): a person's edit, answered with the page id.
 */
function personEdit(target: ControlTarget, res: ServerResponse, text: string, pageId: string | undefined) {
  const body = parseObject(text);
  if (!body) return send(res, 400, { error: 'invalid_json', message: 'The body must be a JSON object.' });
  try {
    if (pageId) {
      target.asPerson.edit(decodeURIComponent(pageId), body);
      return send(res, 200, { id: decodeURIComponent(pageId) });
    }
    const db = String(body['database'] ?? 'todos') as Parameters<ControlTarget['asPerson']['create']>[0];
    return send(res, 200, {
      id: target.asPerson.create(db, (body['properties'] ?? {}) as Record<string, unknown>),
    });
  } catch (e) {
    return send(res, 400, { error: 'invalid_edit', message: e instanceof Error ? e.message : String(e) });
  }
}
