import type { ConfigRole, Env } from './index.js';

/** The functions this package registers, and which configuration each one needs. */
const ROLE_OF_TARGET: Readonly<Record<string, ConfigRole>> = {
  syncTodoistEvent: 'sync',
  todoistWebhook: 'webhook',
  reconcileTodoist: 'reconcile',
  notionWebhook: 'notion-webhook',
  syncNotionEvent: 'notion-sync',
};

/** What a serving process was started for, and the environment its configuration is read from. */
export interface ServeOptions {
  /** The function functions-framework serves, when it says (absent: every function, lazily). */
  target: string | undefined;
  /** The configuration role of that function, when it is one of ours. */
  role: ConfigRole | undefined;
  env: Env;
}

/**
 * The served target as functions-framework resolves it: `--target X` or `--target=X` on the
 * command line, else `FUNCTION_TARGET`. A pure function of its arguments; the defaults are the
 * process's own, read here so that no other module reads `process.argv` or `process.env`.
 */
export function parseServeOptions(
  argv: readonly string[] = process.argv,
  env: Env = process.env,
): ServeOptions {
  const target = targetFlag(argv) ?? nonEmpty(env['FUNCTION_TARGET']);
  return { target, role: target === undefined ? undefined : ROLE_OF_TARGET[target], env };
}

function targetFlag(argv: readonly string[]): string | undefined {
  let found: string | undefined;
  argv.forEach((arg, i) => {
    // The last occurrence wins, as with any repeated command-line option.
    if (arg.startsWith('--target=')) found = arg.slice('--target='.length);
    else if (arg === '--target' && i + 1 < argv.length) found = argv[i + 1];
  });
  return nonEmpty(found);
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

/** How a command-line tool was started: the script path, its arguments and the environment. */
export interface CliInvocation {
  /** The script node was asked to run (`process.argv[1]`). */
  entry: string | undefined;
  args: string[];
  env: Env;
}

/** The command line and environment of this process, for the CLI entries. */
export function cliInvocation(argv: readonly string[] = process.argv, env: Env = process.env): CliInvocation {
  return { entry: argv[1], args: argv.slice(2), env };
}
