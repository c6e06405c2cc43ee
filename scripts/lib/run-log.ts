/**
 * Where the sync's JSON log lines go during the demo and the benchmark: a file (the report stays
 * readable) or, with `--verbose`, the terminal; lines are counted by severity either way.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { createLogger, type Logger, type Severity } from '../../src/log/logger.js';

export interface RunLog {
  logger: Logger;
  /** The log file, or undefined when lines go to the terminal (or nowhere). */
  path: string | undefined;
  /** Lines written, by severity. */
  counts(): Partial<Record<Severity, number>>;
  close(): Promise<void>;
}

const SEVERITY = /"severity":"([A-Z]+)"/;

/** A logger writing to `path` (or stderr when `verbose`, or nowhere when both are absent). */
export function createRunLog(options: {
  verbose: boolean;
  path?: string | undefined;
  /** Values never to write (tokens). */
  secrets?: readonly string[];
}): RunLog {
  const counts: Partial<Record<Severity, number>> = {};
  let stream: WriteStream | undefined;
  if (!options.verbose && options.path) stream = createWriteStream(options.path, { flags: 'w' });
  const sink = (line: string): void => {
    const severity = SEVERITY.exec(line)?.[1] as Severity | undefined;
    if (severity) counts[severity] = (counts[severity] ?? 0) + 1;
    if (options.verbose) process.stderr.write(`${line}\n`);
    else stream?.write(`${line}\n`);
  };
  return {
    logger: createLogger({ sink, minSeverity: 'INFO', secrets: options.secrets ?? [] }),
    path: stream ? options.path : undefined,
    counts: () => ({ ...counts }),
    close: () =>
      new Promise<void>((resolve) => {
        if (!stream) resolve();
        else stream.end(() => resolve());
      }),
  };
}
