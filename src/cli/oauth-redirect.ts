/** How todoist-auth receives Todoist's redirect: a one-shot listener on 127.0.0.1, or the address pasted back. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OAuthError } from '../todoist/oauth.js';

export type RedirectTarget = { kind: 'listen'; port: number; path: string } | { kind: 'paste'; url: string };

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** A redirect URL on this machine is listened for; any other (the deployed function) is pasted back. */
export function redirectTarget(redirectUrl: string): RedirectTarget {
  const url = new URL(redirectUrl);
  if (url.protocol === 'http:' && LOOPBACK.has(url.hostname))
    return { kind: 'listen', port: Number(url.port || 80), path: url.pathname };
  return { kind: 'paste', url: redirectUrl };
}

/** The query of a pasted redirect: the whole address, or just its `?code=…&state=…` part. */
export function paramsFromPasted(text: string): URLSearchParams {
  const trimmed = text.trim();
  try {
    return new URL(trimmed).searchParams;
  } catch {
    return new URLSearchParams(trimmed.slice(trimmed.indexOf('?') + 1));
  }
}

const PAGE =
  '<!doctype html><meta charset="utf-8"><title>notion-todoist-sync</title>' +
  '<p>Todoist answered. You can close this tab and return to the terminal.</p>';

/** A redirect listener, already bound; `params` settles with the first request to `path`. */
export interface RedirectListener {
  /** The address bound: always 127.0.0.1, so nothing outside this machine can deliver a code. */
  host: string;
  port: number;
  params: Promise<URLSearchParams>;
  close(): Promise<void>;
}

/** Listens on 127.0.0.1 only (never on other interfaces) for one request to the redirect path. */
export async function listenForRedirect(
  target: { port: number; path: string },
  timeoutMs: number,
  redirectUrl: string,
): Promise<RedirectListener> {
  let settle: (p: URLSearchParams) => void = () => {};
  let fail: (e: unknown) => void = () => {};
  const params = new Promise<URLSearchParams>((resolve, reject) => {
    settle = resolve;
    fail = reject;
  });
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method !== 'GET' || url.pathname !== target.path) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not the OAuth redirect.\n');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE);
    settle(url.searchParams);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(target.port, '127.0.0.1', () => resolve());
  }).catch((cause: unknown) => {
    throw new OAuthError(
      'no_redirect',
      `cannot listen on 127.0.0.1:${target.port} (${String(cause)}): free the port, or set the app's OAuth redirect URL to another port and pass it with --redirect`,
      { cause },
    );
  });
  const timer = setTimeout(
    () =>
      fail(
        new OAuthError(
          'no_redirect',
          `no redirect reached ${redirectUrl} within ${Math.round(timeoutMs / 1000)} s. If Todoist showed an error page, the app's OAuth redirect URL (App Management Console) is not this address: make them equal, or pass --redirect with the console's URL`,
        ),
      ),
    timeoutMs,
  );
  params.catch(() => undefined).finally(() => clearTimeout(timer));
  const bound = server.address() as AddressInfo;
  return {
    host: bound.address,
    port: bound.port,
    params,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
