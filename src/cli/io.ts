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

/** Exit codes every CLI of the project uses. */
export const EXIT = { ok: 0, error: 1, usage: 2 } as const;
