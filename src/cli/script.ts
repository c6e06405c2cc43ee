import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Env } from '../config/index.js';
import { cliInvocation } from '../config/invocation.js';

function invokedPath(entry: string | undefined): string | undefined {
  if (!entry) return undefined;
  try {
    // The package bin is a symlink in node_modules/.bin.
    return realpathSync(entry);
  } catch {
    return entry;
  }
}

/**
 * Runs a CLI's `main` when its module is the process entry (node, tsx or the package bin), not
 * when a test imports it; exits with the code once stdout and stderr are flushed.
 */
export function runAsScript(
  moduleUrl: string,
  main: (argv: readonly string[], env: Env) => Promise<number>,
): void {
  const self = fileURLToPath(moduleUrl);
  const invocation = cliInvocation();
  if (invokedPath(invocation.entry) !== self) return;
  main(invocation.args, invocation.env).then(
    (code) => {
      process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
    },
    (error: unknown) => {
      process.stderr.write(
        `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
        () => process.exit(1),
      );
    },
  );
}
