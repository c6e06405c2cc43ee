import { execFile } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { createNodeFetch, type HttpFetch } from '../../src/http/node-fetch.js';
import { createFirestoreRestStore } from '../../src/state/firestore-rest.js';
import { isStateError } from '../../src/state/index.js';
import { createRestPublisher, PublishError } from '../../src/webhook/rest-publisher.js';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

/** A local server answering with `handler`; counts the TCP connections it accepted. */
async function serve(handler: Handler) {
  const stats = { connections: 0 };
  const srv = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString();
    });
    req.on('end', () => handler(req, res, body));
  });
  srv.on('connection', () => {
    stats.connections += 1;
  });
  servers.push(srv);
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}`, stats };
}

/** A port nothing listens on (a server that was opened, then closed). */
async function refusedHost(): Promise<string> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as AddressInfo;
  await new Promise((r) => srv.close(r));
  return `127.0.0.1:${port}`;
}

describe('the node:http transport, as the adapters use it', () => {
  it('sends method, headers and body, and reads status, headers and a JSON answer', async () => {
    const { url } = await serve((req, res, body) => {
      res.writeHead(201, { 'content-type': 'application/json', 'X-Request-Id': 'r-1' });
      res.end(JSON.stringify({ method: req.method, type: req.headers['content-type'], body }));
    });
    const send = createNodeFetch();

    const res = await send(`${url}/v1/x`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"é":1}',
    });

    expect(res.status).toBe(201);
    expect(res.ok).toBe(true);
    expect(res.headers.get('x-request-id')).toBe('r-1');
    expect(res.headers.get('retry-after')).toBeNull();
    expect(await res.json()).toEqual({ method: 'POST', type: 'application/json', body: '{"é":1}' });
  });

  it('carries a byte body and hands back an error answer as bytes, not as a failure', async () => {
    const { url } = await serve((_req, res, body) => {
      res.writeHead(503);
      res.end(`got ${body.length}`);
    });

    const res = await createNodeFetch()(url, { method: 'PUT', body: new Uint8Array([104, 105]) });

    expect(res.ok).toBe(false);
    expect(res.status).toBe(503);
    expect(new TextDecoder().decode(await res.arrayBuffer())).toBe('got 2');
  });

  it('reuses one keep-alive connection for requests one after another', async () => {
    const { url, stats } = await serve((_req, res) => res.end('ok'));
    const send = createNodeFetch();

    for (let i = 0; i < 3; i++) expect(await (await send(url)).text()).toBe('ok');

    expect(stats.connections).toBe(1);
  });

  it('drops a connection left idle, and a slow answer on a busy one still arrives', async () => {
    const { url, stats } = await serve((req, res) => {
      setTimeout(() => res.end('late'), req.url === '/slow' ? 150 : 0);
    });
    const send = createNodeFetch({ idleMs: 50 });

    const slow = await (await send(`${url}/slow`)).text();
    await new Promise((r) => setTimeout(r, 120));
    await (await send(url)).text();

    expect(slow).toBe('late');
    expect(stats.connections).toBe(2);
  });

  it('gives up at the timeout, even while the answer is still arriving, with the signal reason', async () => {
    const { url } = await serve((_req, res) => {
      res.writeHead(200);
      res.write('{"partial":');
    });

    const error = await createNodeFetch()(url, { signal: AbortSignal.timeout(50) }).catch((e: unknown) => e);

    expect((error as Error).name).toBe('TimeoutError');
  });

  it('reports a connection closed mid-answer as a reset', async () => {
    const { url } = await serve((req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('{"cut":');
      setTimeout(() => req.socket.destroy(), 10);
    });

    const error = await createNodeFetch()(url).catch((e: unknown) => e);

    expect((error as { code?: unknown }).code).toBe('ECONNRESET');
  });

  it('a refused connection is the network failure each adapter already classifies', async () => {
    const host = await refusedHost();
    const send = createNodeFetch();

    const raw = await send(`http://${host}/`).catch((e: unknown) => e);
    const published = await createRestPublisher({
      topic: 't',
      projectId: 'p',
      emulatorHost: host,
      credentials: undefined,
      fetchImpl: send,
      attempts: 1,
    })(Buffer.from('{}'), {}).catch((e: unknown) => e);
    const read = await createFirestoreRestStore({
      projectId: 'p',
      emulatorHost: host,
      collectionPrefix: 'x',
      credentials: undefined,
      fetchImpl: send,
    })
      .get('claims', 'k')
      .catch((e: unknown) => e);

    expect((raw as { code?: unknown }).code).toBe('ECONNREFUSED');
    expect(published).toBeInstanceOf(PublishError);
    expect((published as PublishError).transient).toBe(true);
    expect(isStateError(read) && read.code).toBe('unavailable');
  });

  it("costs a fresh process no compile of Node's bundled undici, even across a request", async () => {
    // Prepare: a server to answer; a fresh Node (the vitest worker has loaded undici long ago).
    const { url } = await serve((_req, res) => res.end('ok'));
    const script = `
      const { createNodeFetch } = await import('./src/http/node-fetch.ts');
      const answer = await createNodeFetch()(${JSON.stringify(url)});
      await answer.text();
      console.log(JSON.stringify(process.moduleLoadList.filter((m) => m.includes('undici'))));`;
    // Act
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      { encoding: 'utf8' },
    );
    // Assess: an ES import of node:http would have compiled it through the lazy WebSocket export.
    expect(JSON.parse(stdout.trim().split('\n').at(-1) ?? '')).toEqual([]);
  });

  it('stands where the built-in fetch stood: fetch itself is one of its kind', () => {
    const builtIn: HttpFetch = fetch;
    expect(typeof builtIn).toBe('function');
  });
});
