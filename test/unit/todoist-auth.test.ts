import { afterEach, describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/io.js';
import { listenForRedirect, paramsFromPasted, redirectTarget } from '../../src/cli/oauth-redirect.js';
import type { CommandRunner } from '../../src/cli/secret-store.js';
import { main, type TodoistAuthHooks } from '../../src/cli/todoist-auth.js';
import { freeFixedPort } from '../support/free-port.js';
import { type OAuthFake, startTodoistOAuthFake } from '../support/todoist-fake/oauth.js';

const CLIENT_ID = 'app-client-id';
const CLIENT_SECRET = 'app-client-secret';
const FUNCTION_URL = 'https://europe-west1-demo.cloudfunctions.net/todoistWebhook';

let fake: OAuthFake | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

function captureIo() {
  const out = { stdout: '', stderr: '' };
  const io: CliIo = {
    stdout: (s) => {
      out.stdout += s;
    },
    stderr: (s) => {
      out.stderr += s;
    },
    isTTY: false,
  };
  return { io, out };
}

/** What a browser does with the authorization URL: follows Todoist's redirect, optionally altered. */
async function agree(url: string, alter: (u: URL) => void = () => {}): Promise<URL> {
  const res = await fetch(url, { redirect: 'manual' });
  const location = new URL(res.headers.get('location') ?? '');
  alter(location);
  return location;
}

function browser(alter?: (u: URL) => void): TodoistAuthHooks['open'] {
  return async (url) => {
    const landing = await agree(url, alter);
    await fetch(landing);
  };
}

async function setup(options: { redirect?: string; deny?: boolean } = {}) {
  const redirect = options.redirect ?? `http://127.0.0.1:${await freeFixedPort()}/todoist/callback`;
  fake = await startTodoistOAuthFake({
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    redirectUrl: redirect,
    ...(options.deny ? { deny: true } : {}),
  });
  const env = {
    TODOIST_CLIENT_ID: CLIENT_ID,
    TODOIST_CLIENT_SECRET: CLIENT_SECRET,
    TODOIST_AUTH_URL: fake.url,
    TODOIST_BASE_URL: fake.url,
  };
  return { redirect, env, fake };
}

async function run(argv: string[], env: Record<string, string>, hooks: TodoistAuthHooks) {
  const { io, out } = captureIo();
  const code = await main(argv, env, io, hooks);
  return { code, ...out };
}

describe('the redirect', () => {
  it('a loopback redirect URL is listened for on 127.0.0.1 only; any other is pasted back', async () => {
    expect(redirectTarget('http://localhost:8765/todoist/callback')).toEqual({
      kind: 'listen',
      port: 8765,
      path: '/todoist/callback',
    });
    expect(redirectTarget(FUNCTION_URL)).toEqual({ kind: 'paste', url: FUNCTION_URL });
    const listener = await listenForRedirect({ port: 0, path: '/cb' }, 5_000, 'http://localhost/cb');
    try {
      expect(listener.host).toBe('127.0.0.1');
      expect((await fetch(`http://127.0.0.1:${listener.port}/other`)).status).toBe(404);
      expect((await fetch(`http://127.0.0.1:${listener.port}/cb?code=c&state=s`)).status).toBe(200);
      expect((await listener.params).get('code')).toBe('c');
    } finally {
      await listener.close();
    }
  });

  it('a pasted address, or only its query, gives the parameters', () => {
    expect(paramsFromPasted(` ${FUNCTION_URL}?code=c&state=s `).get('state')).toBe('s');
    expect(paramsFromPasted('?code=c&state=s').get('code')).toBe('c');
  });
});

describe('todoist-auth', () => {
  it('happy path: the redirect comes back to 127.0.0.1, the code is exchanged, the user is confirmed, the token shown once', async () => {
    const { redirect, env, fake } = await setup();
    const result = await run(['--redirect', redirect], env, { open: browser() });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /oauth\/authorize\?client_id=app-client-id&scope=data%3Aread&state=[0-9a-f]{32}/,
    );
    expect(result.stdout).toMatch(/Activated for Alice <alice@example.com> \(Todoist user id 2671355\)/);
    const tokens = result.stdout.match(/TODOIST_API_TOKEN=([0-9a-f]+)/g) ?? [];
    expect(tokens).toHaveLength(1);
    expect(fake.activated()).toEqual(['2671355']);
    expect(fake.exchanges()).toEqual([
      { client_id: CLIENT_ID, client_secret: CLIENT_SECRET, code: expect.any(String) },
    ]);
  });

  it('each run sends a fresh state', async () => {
    const { redirect, env } = await setup();
    const first = await run(['--redirect', redirect], env, { open: browser() });
    const second = await run(['--redirect', redirect], env, { open: browser() });
    const state = (text: string) => /state=([0-9a-f]+)/.exec(text)?.[1];
    expect(state(first.stdout)).toBeDefined();
    expect(state(first.stdout)).not.toBe(state(second.stdout));
  });

  it('state mismatch: nothing is exchanged, exit 1, told to start over', async () => {
    const { redirect, env, fake } = await setup();
    const result = await run(['--redirect', redirect], env, {
      open: browser((u) => u.searchParams.set('state', 'from-another-attempt')),
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/another state than this run sent.*run todoist-auth again/);
    expect(fake.exchanges()).toEqual([]);
    expect(result.stdout).not.toMatch(/TODOIST_API_TOKEN=/);
  });

  it('a bad code: Todoist refuses it, exit 1, the message says why', async () => {
    const { redirect, env } = await setup();
    const result = await run(['--redirect', redirect], env, {
      open: browser((u) => u.searchParams.set('code', 'not-a-code')),
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /refused the code \(bad_authorization_code\): it is wrong, expired .* or already used/,
    );
  });

  it('a code used twice (the pasted address again): invalid_grant, exit 1', async () => {
    const { env } = await setup({ redirect: FUNCTION_URL });
    let pasted = '';
    const hooks: TodoistAuthHooks = {
      state: () => 'fixed-state',
      open: async (url) => {
        pasted = (await agree(url)).toString();
      },
      readLine: async () => pasted,
    };
    const first = await run(['--redirect', FUNCTION_URL], env, hooks);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/copy the whole address the browser lands on/);
    const again = await run(['--redirect', FUNCTION_URL], env, { ...hooks, open: () => {} });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/refused the code \(invalid_grant\).*already used/);
  });

  it('a wrong client secret: exit 1, names the variable to fix', async () => {
    const { redirect, env, fake } = await setup();
    const result = await run(
      ['--redirect', redirect],
      { ...env, TODOIST_CLIENT_SECRET: 'typo' },
      { open: browser() },
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /refused the app credentials \(incorrect_application_credentials\).*TODOIST_CLIENT_SECRET/,
    );
    expect(result.stderr).not.toContain('typo');
    expect(fake.activated()).toEqual([]);
  });

  it('declined in Todoist: exit 1', async () => {
    const { redirect, env } = await setup({ deny: true });
    const result = await run(['--redirect', redirect], env, { open: browser() });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/declined/);
  });

  it('no redirect arrives (the console has another redirect URL): exit 1 after the timeout, says to make them equal', async () => {
    const { redirect, env } = await setup();
    const result = await run(['--redirect', redirect, '--timeout', '0.3'], env, { open: () => {} });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/no redirect reached .* OAuth redirect URL .* make them equal/);
  });

  it('--secret: the token goes to gcloud on stdin, never on the command line nor the screen', async () => {
    const { redirect, env } = await setup();
    const calls: Array<{ command: string; args: readonly string[]; input: string }> = [];
    const runner: CommandRunner = async (command, args, input) => {
      calls.push({ command, args, input });
      return { code: 0, stderr: '' };
    };
    const result = await run(
      ['--redirect', redirect, '--secret', 'todoist-api-token'],
      { ...env, GOOGLE_CLOUD_PROJECT: 'my-project' },
      { open: browser(), run: runner },
    );
    expect(result.code).toBe(0);
    expect(calls).toEqual([
      {
        command: 'gcloud',
        args: ['secrets', 'versions', 'add', 'todoist-api-token', '--data-file=-', '--project=my-project'],
        input: expect.stringMatching(/^[0-9a-f]{40}$/),
      },
    ]);
    expect(result.stdout).not.toContain(calls[0]?.input);
    expect(result.stdout).toMatch(/stored as the newest version of the secret todoist-api-token/);
  });

  it('--secret for a secret that does not exist: exit 1 with the command that creates it', async () => {
    const { redirect, env } = await setup();
    const runner: CommandRunner = async () => ({
      code: 1,
      stderr: 'ERROR: NOT_FOUND: Secret [x] not found.',
    });
    const result = await run(['--redirect', redirect, '--secret', 'x'], env, {
      open: browser(),
      run: runner,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/gcloud secrets create x --replication-policy=automatic/);
  });

  it('configuration and arguments: exit 1 naming the variable, exit 2 with the usage', async () => {
    const missing = await run([], { TODOIST_CLIENT_SECRET: 's' }, {});
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/TODOIST_CLIENT_ID/);
    const env = { TODOIST_CLIENT_ID: 'i', TODOIST_CLIENT_SECRET: 's' };
    expect((await run(['--port', '1'], env, {})).code).toBe(2);
    expect((await run(['--timeout', 'soon'], env, {})).code).toBe(2);
    expect((await run(['--secret', 'a b'], env, {})).code).toBe(2);
  });
});
