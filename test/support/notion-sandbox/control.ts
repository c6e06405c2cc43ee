/** Inspection and control over HTTP (`/__sandbox/...`), so tests in another process can assert; never counted or faulted. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { FaultSettingError } from './faults.js';
import { readBody, send } from './http.js';
import type { NotionSandbox } from './types.js';
import { isObject } from './values.js';

/** The sandbox methods the control routes call. */
export type ControlTarget = Pick<
  NotionSandbox,
  'url' | 'databases' | 'dataSources' | 'parentPageId' | 'listDatabases' | 'pages' | 'counts' | 'reset'
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
  switch (route) {
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
