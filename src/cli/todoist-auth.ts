#!/usr/bin/env node
/**
 * `npm run todoist-auth`: the one-time OAuth activation of the Todoist app for one account, which
 * is what makes Todoist send that account's webhooks; yields the account's API token.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline/promises';
import { type Env, isConfigError } from '../config/index.js';
import { loadTodoistOAuthConfig } from '../config/todoist-oauth.js';
import { errorMessage } from '../errors.js';
import { authorizeUrl, codeFromRedirect, exchangeCode, isOAuthError, readUser } from '../todoist/oauth.js';
import { isUsageError, parseFlags, UsageError } from './args.js';
import { type CliIo, EXIT, processIo } from './io.js';
import {
  listenForRedirect,
  paramsFromPasted,
  type RedirectListener,
  redirectTarget,
} from './oauth-redirect.js';
import { runAsScript } from './script.js';
import { type CommandRunner, secretCommand, spawnRunner, storeSecret } from './secret-store.js';

const DEFAULT_REDIRECT = 'http://127.0.0.1:8765/todoist/callback';

export const USAGE = `Usage: todoist-auth [--redirect URL] [--open] [--secret NAME] [--scope SCOPES] [--timeout SECONDS]

Runs the Todoist OAuth flow once for the account signed in to Todoist in your browser. Completing
it is what makes Todoist send this app's webhooks for that account; it also yields the account's
API token (TODOIST_API_TOKEN).

  --redirect URL   the app's OAuth redirect URL, exactly as in the App Management Console
                   (default ${DEFAULT_REDIRECT}). A http://127.0.0.1 or localhost
                   address is listened for on 127.0.0.1; any other (e.g. the deployed todoistWebhook)
                   means you paste back the address the browser lands on.
  --open           open the authorization URL in the default browser
  --secret NAME    store the token as a new version of this Secret Manager secret (gcloud) instead
                   of printing it
  --scope SCOPES   OAuth scopes (default data:read: the sync only reads Todoist)
  --timeout S      how long to wait for the redirect (default 300)
  -h, --help       show this help

Needs TODOIST_CLIENT_ID and TODOIST_CLIENT_SECRET (the app's, from the App Management Console).
Exit codes: 0 activated, 1 the flow failed (the message says what to fix), 2 bad arguments.
`;

const FLAGS = {
  redirect: { type: 'string' },
  open: { type: 'boolean' },
  secret: { type: 'string' },
  scope: { type: 'string' },
  timeout: { type: 'string' },
  help: { type: 'boolean' },
} as const;

export interface TodoistAuthHooks {
  /** Opens the authorization URL (default: the platform's browser opener, only with --open). */
  open?: (url: string) => Promise<void> | void;
  /** Asks for the pasted redirect address (default: a line from stdin). */
  readLine?: (prompt: string) => Promise<string>;
  run?: CommandRunner;
  state?: () => string;
}

function openInBrowser(url: string): void {
  const [command, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '', url]]
        : ['xdg-open', [url]];
  spawn(command as string, args as string[], { stdio: 'ignore', detached: true })
    .on('error', () => undefined)
    .unref();
}

async function readLineFromStdin(prompt: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await rl.question(prompt);
  } finally {
    rl.close();
  }
}

function parse(argv: readonly string[]) {
  const flags = parseFlags(argv.includes('-h') ? ['--help'] : argv, FLAGS);
  const redirect = flags.redirect ?? DEFAULT_REDIRECT;
  try {
    redirectTarget(redirect);
  } catch (cause) {
    throw new UsageError(`--redirect: ${JSON.stringify(redirect)} is not a URL`, cause);
  }
  const seconds = flags.timeout === undefined ? 300 : Number(flags.timeout);
  if (!(Number.isFinite(seconds) && seconds > 0))
    throw new UsageError(
      `--timeout must be a positive number of seconds, not ${JSON.stringify(flags.timeout)}`,
    );
  if (flags.secret !== undefined && !/^[A-Za-z0-9_-]{1,255}$/.test(flags.secret))
    throw new UsageError(`--secret: ${JSON.stringify(flags.secret)} is not a Secret Manager secret name`);
  return { ...flags, redirect, timeoutMs: seconds * 1000 };
}

/** Runs the flow; resolves with the exit code (never calls process.exit). */
export async function main(
  argv: readonly string[],
  env: Env,
  io: CliIo = processIo(),
  hooks: TodoistAuthHooks = {},
): Promise<number> {
  let flags: ReturnType<typeof parse>;
  try {
    flags = parse(argv);
  } catch (error) {
    if (!isUsageError(error)) throw error;
    io.stderr(`todoist-auth: ${error.message}\n\n${USAGE}`);
    return EXIT.usage;
  }
  if (flags.help) {
    io.stdout(USAGE);
    return EXIT.ok;
  }
  let config: ReturnType<typeof loadTodoistOAuthConfig>;
  try {
    config = loadTodoistOAuthConfig(env);
  } catch (error) {
    if (!isConfigError(error)) throw error;
    io.stderr(`todoist-auth: configuration error: ${error.message}\n`);
    return EXIT.error;
  }
  const state = hooks.state?.() ?? randomBytes(16).toString('hex');
  const url = authorizeUrl(config.authBaseUrl, config.clientId, flags.scope ?? 'data:read', state);
  const target = redirectTarget(flags.redirect);
  let listener: RedirectListener | undefined;
  try {
    if (target.kind === 'listen') listener = await listenForRedirect(target, flags.timeoutMs, flags.redirect);
  } catch (error) {
    io.stderr(`todoist-auth: ${errorMessage(error)}\n`);
    return EXIT.error;
  }
  try {
    io.stdout(
      `Open this address signed in to Todoist as the account to sync, and choose Agree:\n\n  ${url}\n\n` +
        (listener
          ? `Waiting for Todoist to redirect to ${flags.redirect} …\n`
          : `Todoist will redirect to ${flags.redirect}; copy the whole address the browser lands on.\n`),
    );
    if (flags.open || hooks.open) await (hooks.open ?? openInBrowser)(url);
    const params = listener
      ? await listener.params
      : paramsFromPasted(await (hooks.readLine ?? readLineFromStdin)('Paste the address here: '));
    const code = codeFromRedirect(params, state);
    const token = await exchangeCode(config.apiBaseUrl, config, code);
    const user = await readUser(config.apiBaseUrl, token);
    const who = `${user.fullName ?? 'user'}${user.email ? ` <${user.email}>` : ''} (Todoist user id ${user.id})`;
    if (flags.secret) {
      const stored = await storeSecret(hooks.run ?? spawnRunner, flags.secret, token, config.projectId);
      if (!stored.ok) {
        io.stderr(
          `todoist-auth: the app is activated for ${who}, but storing the token failed: ${stored.detail}\n` +
            `Fix that and run todoist-auth again (a new authorization yields the token again); the command was: gcloud ${secretCommand(flags.secret, config.projectId).join(' ')}\n`,
        );
        return EXIT.error;
      }
      io.stdout(
        `Activated for ${who}. The token is stored as the newest version of the secret ${flags.secret}.\n`,
      );
    } else {
      io.stdout(
        `Activated for ${who}. Todoist now sends this app's webhooks for this account.\n\n` +
          `Its API token (shown once; keep it as TODOIST_API_TOKEN, or rerun with --secret NAME):\nTODOIST_API_TOKEN=${token}\n`,
      );
    }
    return EXIT.ok;
  } catch (error) {
    // OAuth errors say what to fix; anything else (a network failure) is shown as it is.
    io.stderr(`todoist-auth: ${isOAuthError(error) ? error.message : errorMessage(error)}\n`);
    return EXIT.error;
  } finally {
    await listener?.close();
  }
}

runAsScript(import.meta.url, main);
