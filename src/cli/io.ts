import { type Config, secretsOf } from '../config/index.js';
import { createLogger, type Logger } from '../log/logger.js';

/** Where a CLI writes: injected so tests run the commands in-process and read what they print. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Whether stderr is a terminal (progress is drawn only there). */
  isTTY: boolean;
  now?: () => number;
}

/** The real process streams. */
export function processIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    isTTY: process.stderr.isTTY === true,
  };
}

/** The logger of a command run: warnings and errors as JSON lines on stderr, the config's secrets redacted. */
export function cliLogger(io: CliIo, config: Config): Logger {
  return createLogger({
    minSeverity: 'WARNING',
    sink: (line) => io.stderr(`${line}\n`),
    secrets: secretsOf(config),
  });
}

/** Exit codes every CLI of the project uses. */
export const EXIT = { ok: 0, error: 1, usage: 2 } as const;
