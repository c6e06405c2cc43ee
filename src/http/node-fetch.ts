/**
 * The subset of `fetch` our HTTP adapters use, over node:http and node:https. Node's built-in fetch
 * compiles its bundled undici on its first call, which measured here at about 70 ms of CPU on the
 * first request of a cold process, while functions-framework has already loaded node:http: a cold
 * instance's first event pays for neither when the adapters speak node:http.
 *
 * Bodies are read whole before the promise settles (our answers are small JSON documents), so a
 * timeout covers the body too. No `accept-encoding` is sent, so answers come uncompressed.
 * Failures reject as Node reports them (`code` such as ECONNREFUSED on the error itself) and an
 * abort rejects with the signal's reason, as fetch does: the adapters' catch blocks classify both.
 */
import type { Agent, ClientRequest, IncomingMessage, RequestOptions } from 'node:http';

/*
 * node:http and node:https are taken with process.getBuiltinModule, as functions-framework's own
 * `require` takes them: an ES import of node:http builds its namespace from every export, and
 * reading the lazy WebSocket export compiles Node's bundled undici, about 20 ms of CPU in a cold
 * process (measured in the sync's first-event profile) for nothing any adapter uses.
 */
const builtinHttp = () => process.getBuiltinModule('node:http');

/** What a request may carry: the part of `RequestInit` the adapters set. */
export interface HttpInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array<ArrayBuffer> | null;
  signal?: AbortSignal | null;
  /** node:http never follows redirects; accepted so callers of `fetch` may keep passing it. */
  redirect?: 'manual';
}

/** What an answer offers: the part of `Response` the adapters read. */
export interface HttpResponse {
  readonly status: number;
  readonly ok: boolean;
  readonly headers: { get(name: string): string | null };
  text(): Promise<string>;
  json(): Promise<unknown>;
  arrayBuffer(): Promise<ArrayBuffer>;
}

/** A `fetch`-shaped function; the built-in `fetch` is one, and so is `createNodeFetch()`. */
export type HttpFetch = (url: string, init?: HttpInit) => Promise<HttpResponse>;

type Send = (url: URL, options: RequestOptions) => ClientRequest;
interface Transport {
  agent: Agent;
  send: Send;
}

function answerOf(res: IncomingMessage, body: Buffer): HttpResponse {
  const status = res.statusCode ?? 0;
  const text = () => body.toString('utf8');
  return {
    status,
    ok: status >= 200 && status < 300,
    headers: {
      get(name) {
        const value = res.headers[name.toLowerCase()];
        return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
      },
    },
    text: async () => text(),
    json: async () => JSON.parse(text()) as unknown,
    arrayBuffer: async () => new Uint8Array(body).buffer,
  };
}

function exchange(transport: Transport, url: URL, init: HttpInit): Promise<HttpResponse> {
  const signal = init.signal ?? undefined;
  return new Promise<HttpResponse>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const body = init.body == null ? undefined : Buffer.from(init.body);
    const headers: Record<string, string> = { ...init.headers };
    if (body) headers['content-length'] = String(body.byteLength);
    const req = transport.send(url, { method: init.method ?? 'GET', headers, agent: transport.agent });
    const onAbort = () => {
      // Reject first: destroying the request then emits its own error, which must not win.
      reject(signal?.reason);
      req.destroy();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const fail = (error: unknown) => {
      signal?.removeEventListener('abort', onAbort);
      reject(error);
    };
    req.on('error', fail);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', fail);
      res.on('close', () => {
        if (!res.complete)
          fail(
            Object.assign(new Error('the connection closed before the answer ended'), { code: 'ECONNRESET' }),
          );
      });
      res.on('end', () => {
        signal?.removeEventListener('abort', onAbort);
        resolve(answerOf(res, Buffer.concat(chunks)));
      });
    });
    req.end(body);
  });
}

export interface NodeFetchOptions {
  /**
   * How long an idle connection is kept (default 4 s, undici's): a server drops idle connections
   * at a time of its own, and a request written on one it has just dropped fails with a reset.
   */
  idleMs?: number;
}

/** A keep-alive transport of its own (one Agent per protocol); node:https is loaded with the first https URL. */
export function createNodeFetch(options: NodeFetchOptions = {}): HttpFetch & { close(): void } {
  const keep = { keepAlive: true, timeout: options.idleMs ?? 4_000 };
  const http = builtinHttp();
  const plain: Transport = { agent: new http.Agent(keep), send: http.request };
  let secure: Promise<Transport> | undefined;
  const transportFor = (url: URL): Transport | Promise<Transport> => {
    if (url.protocol === 'http:') return plain;
    if (url.protocol !== 'https:') throw new TypeError(`unsupported protocol in ${url.origin}`);
    secure ??= Promise.resolve().then(() => {
      const https = process.getBuiltinModule('node:https');
      return { agent: new https.Agent(keep), send: https.request };
    });
    return secure;
  };
  const send = async (url: string, init: HttpInit = {}): Promise<HttpResponse> => {
    const target = new URL(url);
    return exchange(await transportFor(target), target, init);
  };
  return Object.assign(send, {
    close() {
      plain.agent.destroy();
      void secure?.then((t) => t.agent.destroy());
    },
  });
}
