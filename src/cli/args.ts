import { parseArgs } from 'node:util';
import { AppError } from '../errors.js';

/** Bad command-line arguments: the CLI prints the message and its usage and exits 2. */
export class UsageError extends AppError<'bad_arguments'> {
  constructor(message: string, cause?: unknown) {
    super('bad_arguments', message, { cause });
  }
}

export function isUsageError(value: unknown): value is UsageError {
  return value instanceof UsageError;
}

export type FlagSpec = Record<string, { type: 'boolean' } | { type: 'string'; choices?: readonly string[] }>;

export type Flags<S extends FlagSpec> = {
  [K in keyof S]: S[K] extends { type: 'boolean' } ? boolean : string | undefined;
};

/** Parses `--flag` / `--name value` options strictly: unknown flags and positionals are usage errors. */
export function parseFlags<S extends FlagSpec>(argv: readonly string[], spec: S): Flags<S> {
  const options: Record<string, { type: 'boolean' | 'string' }> = {};
  for (const [name, flag] of Object.entries(spec)) options[name] = { type: flag.type };
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }) as {
      values: Record<string, string | boolean | undefined>;
    });
  } catch (error) {
    throw new UsageError(
      error instanceof Error ? (error.message.split('\n')[0] ?? error.message) : String(error),
      error,
    );
  }
  const out: Record<string, string | boolean | undefined> = {};
  for (const [name, flag] of Object.entries(spec)) {
    const value = values[name];
    if (flag.type === 'boolean') {
      out[name] = value === true;
      continue;
    }
    if (typeof value === 'string' && flag.choices && !flag.choices.includes(value)) {
      throw new UsageError(
        `--${name} must be one of ${flag.choices.join(', ')}, not ${JSON.stringify(value)}`,
      );
    }
    out[name] = typeof value === 'string' ? value : undefined;
  }
  return out as Flags<S>;
}
