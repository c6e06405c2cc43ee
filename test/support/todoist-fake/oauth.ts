/**
 * A local stand-in for Todoist's OAuth endpoints: the authorization page (which, as if the user
 * chose Agree, redirects to the app's redirect URL with a fresh code and the state it was given),
 * the code exchange, and `GET /api/v1/user`. Codes are single-use; a second exchange is refused.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface OAuthFakeOptions {
  clientId: string;
  clientSecret: string;
  /** The app's OAuth redirect URL, as set in the App Management Console. */
  redirectUrl: string;
  user?: { id: string; email: string; full_name: string };
  /** Answer the authorization with `?error=access_denied` (the user chose Cancel). */
  deny?: boolean;
}

export interface OAuthFake {
  /** Origin for both TODOIST_AUTH_URL and TODOIST_BASE_URL. */
  url: string;
  /** User ids whose app authorization completed (the exchange succeeded): webhooks would now fire for them. */
  activated(): string[];
  /** Every token-exchange attempt as received (form fields). */
  exchanges(): Array<Record<string, string>>;
  close(): Promise<void>;
}

async function body(req: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of req) text += String(chunk);
  return text;
}

/** Starts the stand-in on 127.0.0.1 (a free port). */
export async function startTodoistOAuthFake(options: OAuthFakeOptions): Promise<OAuthFake> {
  const user = options.user ?? { id: '2671355', email: 'alice@example.com', full_name: 'Alice' };
  const codes = new Map<string, 'fresh' | 'used'>();
  const tokens = new Set<string>();
  const activated: string[] = [];
  const exchanges: Array<Record<string, string>> = [];

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const json = (status: number, value: unknown) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
    void (async () => {
      if (req.method === 'GET' && url.pathname === '/oauth/authorize') {
        if (url.searchParams.get('client_id') !== options.clientId)
          return res.writeHead(400, { 'content-type': 'text/html' }).end('<p>Invalid client_id</p>');
        const back = new URL(options.redirectUrl);
        if (options.deny) back.searchParams.set('error', 'access_denied');
        else {
          const code = randomBytes(10).toString('hex');
          codes.set(code, 'fresh');
          back.searchParams.set('code', code);
        }
        back.searchParams.set('state', url.searchParams.get('state') ?? '');
        return res.writeHead(302, { location: back.toString() }).end();
      }
      if (req.method === 'POST' && url.pathname === '/oauth/access_token') {
        const form = Object.fromEntries(new URLSearchParams(await body(req)));
        exchanges.push(form);
        if (form['client_id'] !== options.clientId || form['client_secret'] !== options.clientSecret)
          return json(400, { error: 'incorrect_application_credentials' });
        const state = codes.get(form['code'] ?? '');
        if (state === undefined) return json(400, { error: 'bad_authorization_code' });
        if (state === 'used') return json(400, { error: 'invalid_grant' });
        codes.set(form['code'] ?? '', 'used');
        const token = randomBytes(20).toString('hex');
        tokens.add(token);
        activated.push(user.id);
        return json(200, { access_token: token, token_type: 'Bearer' });
      }
      if (req.method === 'GET' && url.pathname === '/api/v1/user') {
        const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
        if (!token || !tokens.has(token)) return json(401, { error: 'Unauthorized', http_code: 401 });
        return json(200, { ...user, tz_info: { timezone: 'Europe/Paris' } });
      }
      return json(404, { error: 'Not found' });
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    activated: () => [...activated],
    exchanges: () => exchanges.map((e) => ({ ...e })),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
