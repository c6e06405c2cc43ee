/** Wires the store, faults and counters into a node:http server on loopback. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { renderBlock } from './blocks.js';
import { type ControlTarget, handleControl } from './control.js';
import { Counters } from './counters.js';
import { invalidUrl } from './errors.js';
import { Faults } from './faults.js';
import { errorBody, send } from './http.js';
import { handleV1 } from './pipeline.js';
import { PERSON, Store } from './store.js';
import type { NotionSandbox, SandboxDatabase, SandboxFaults, SandboxOptions, SandboxPage } from './types.js';
import { normaliseId } from './values.js';
import { createWebhookEmitter } from './webhooks.js';

/** Starts a Notion-compatible HTTP server (default 127.0.0.1, a free port) for tests, the demo and the benchmark. */
export async function startNotionSandbox(options: SandboxOptions = {}): Promise<NotionSandbox> {
  const store = new Store(options);
  const faults = new Faults(options);
  const counters = new Counters();
  const setFaults = (f: SandboxFaults | Record<string, unknown>) => {
    faults.set(f);
    store.lagMs = faults.current.lagMs;
  };
  setFaults({});
  const webhooks = createWebhookEmitter((db) => store.databases[db].id);
  store.onChange = (change) => webhooks.record(change);
  const asPerson = {
    edit: (pageId: string, body: Record<string, unknown>) => {
      store.update(pageId, body as never, PERSON);
    },
    create: (db: keyof typeof store.databases, properties: Record<string, unknown>) =>
      store.create(store.databases[db], properties, undefined, PERSON).id,
  };

  const pages = (opts: { databaseId?: string; includeTrashed?: boolean } = {}): SandboxPage[] => {
    const wanted = opts.databaseId === undefined ? undefined : normaliseId(opts.databaseId);
    return [...store.pages.values()]
      .filter((p) => p.db !== null && (opts.includeTrashed || !p.in_trash) && (!wanted || p.db === wanted))
      .map((p) => ({
        id: p.id,
        databaseId: p.db ?? '',
        created_time: p.created_time,
        last_edited_time: p.last_edited_time,
        in_trash: p.in_trash,
        properties: structuredClone(p.properties),
        children: p.children.map((b) => structuredClone(renderBlock(b))),
      }));
  };
  const reset = () => {
    for (const [id, page] of store.pages) if (page.db !== null) store.pages.delete(id);
    counters.reset();
  };
  const listDatabases = (): SandboxDatabase[] =>
    [...store.all.values()].map((db) => ({
      id: db.id,
      dataSourceId: db.dataSourceId,
      title: db.title,
      ...(db.key ? { key: db.key } : {}),
      ...(db.parentPageId ? { parentPageId: db.parentPageId } : {}),
      properties: db.properties.map((p) => ({
        name: p.name,
        type: p.type,
        ...(p.relation ? { relation: p.relation } : {}),
        ...(p.synced ? { syncedProperty: p.synced.name } : {}),
        options: p.options.map((o) => o.name),
      })),
    }));

  const host = options.host ?? '127.0.0.1';
  const ids = store.ids();
  const target: ControlTarget = {
    url: '',
    ...ids,
    parentPageId: store.parentPageId,
    listDatabases,
    pages,
    counts: () => counters.snapshot(),
    reset,
    setFaults,
    faults: () => faults.current,
    webhooks,
    asPerson,
  };
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const work = url.pathname.startsWith('/__sandbox/')
      ? handleControl(target, req, res, url)
      : url.pathname.startsWith('/v1/')
        ? handleV1({ store, faults, counters }, req, res, url)
        : Promise.resolve(send(res, 400, errorBody(invalidUrl(), 'sandbox')));
    work.catch((e: unknown) => {
      // A sandbox bug must be loud in the test output, not a hung request.
      console.error('notion-sandbox: unexpected error', e);
      if (!res.headersSent)
        send(res, 500, { object: 'error', status: 500, code: 'internal_server_error', message: String(e) });
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  target.url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    url: target.url,
    ...ids,
    parentPageId: store.parentPageId,
    listDatabases,
    setFaults,
    pages,
    counts: target.counts,
    reset,
    webhooks,
    asPerson,
    close: () =>
      new Promise<void>((resolve, reject) => {
        webhooks.close();
        server.close((e) => (e ? reject(e) : resolve()));
        server.closeAllConnections();
      }),
  };
}
