/**
 * Cold start: from spawning `functions-framework` to the first request it answered with success,
 * for one of the product's built functions (dist/) or a bare function doing nothing. The request
 * (a Pub/Sub push or a webhook POST) is retried every few milliseconds until the server answers,
 * so the figure is not rounded to a poll.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { freeFixedPort } from '../../test/support/free-port.js';
import { pushMessage } from '../../test/support/functions.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FF_MAIN = fileURLToPath(
  new URL('../../node_modules/@google-cloud/functions-framework/build/src/main.js', import.meta.url),
);
const GIVE_UP_MS = 30_000;

export interface ColdStartTarget {
  target: string;
  /** A file for functions-framework's --source; the package `main` (the bundle in dist/bundle/) when absent. */
  source?: string;
  env: Record<string, string>;
}

/** Sends the first request to the server at `url`; resolves with the HTTP status (rejects while nothing listens). */
export type FirstRequest = (url: string, attempt: number) => Promise<number>;

/** A Pub/Sub push of `body` (what a CloudEvent function receives). */
export function pushOf(body: string): FirstRequest {
  return (url, attempt) =>
    pushMessage(url, { body, attributes: { deliveryId: `cold-${attempt}` }, messageId: `cold-${attempt}` });
}

/**
 * One cold start, split: `readyMs` from spawn to the start of the first request that reached the
 * server (the attempts are a few ms apart, so this is when its port took connections, as close as
 * the bare function's), `firstEventMs` that request's own time to its 2xx, `totalMs` their sum
 * (the headline), and `warmEventMs` the time of `warm`, the same kind of event sent right after
 * on the now warm process (undefined without one).
 */
export interface ColdTrial {
  totalMs: number;
  readyMs: number;
  firstEventMs: number;
  warmEventMs: number | undefined;
}

export interface ColdTrialOptions {
  /** The same kind of event again, once the first is answered. */
  warm?: FirstRequest;
  /** Called as soon as the first request is answered, before `warm` is sent (e.g. to read counters). */
  afterFirst?: () => void;
}

/** Spawns the function, sends `send` until it is answered 2xx, then `options.warm` once. */
export async function coldStartTrial(
  what: ColdStartTarget,
  send: FirstRequest,
  options: ColdTrialOptions = {},
): Promise<ColdTrial> {
  const port = await freeFixedPort();
  const args = [FF_MAIN, `--target=${what.target}`, `--port=${port}`];
  if (what.source) args.push(`--source=${what.source}`);
  const started = performance.now();
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { PATH: process.env['PATH'] ?? '', NODE_ENV: 'production', ...what.env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => {
    stderr = (stderr + c.toString()).slice(-2_000);
  });
  const url = `http://127.0.0.1:${port}`;
  const answered = (status: number, which: string) => {
    if (status < 200 || status >= 300)
      throw new Error(`${what.target} answered ${status} to ${which}: ${stderr}`);
  };
  try {
    for (let attempt = 0; ; attempt++) {
      if (child.exitCode !== null) throw new Error(`${what.target} exited with ${child.exitCode}: ${stderr}`);
      const sentAt = performance.now();
      const status = await send(url, attempt).catch(() => 0);
      const doneAt = performance.now();
      if (status !== 0) {
        answered(status, 'its first event');
        options.afterFirst?.();
        let warmEventMs: number | undefined;
        if (options.warm) {
          const warmAt = performance.now();
          answered(await options.warm(url, attempt + 1), 'the warm event');
          warmEventMs = performance.now() - warmAt;
        }
        return {
          totalMs: doneAt - started,
          readyMs: sentAt - started,
          firstEventMs: doneAt - sentAt,
          warmEventMs,
        };
      }
      if (doneAt - started > GIVE_UP_MS)
        throw new Error(`${what.target} did not answer within ${GIVE_UP_MS} ms: ${stderr}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  }
}

/** Milliseconds from spawn to the first request `send` made that was answered 2xx. */
export async function coldStartMs(what: ColdStartTarget, send: FirstRequest): Promise<number> {
  return (await coldStartTrial(what, send)).totalMs;
}
