/**
 * Cold start: from spawning `functions-framework` to the first request it answered with success,
 * for one of the product's built functions (dist/) or a bare function doing nothing. The request
 * (a Pub/Sub push or a webhook POST) is retried every few milliseconds until the server answers,
 * so the figure is not rounded to a poll.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../test/support/free-port.js';
import { pushMessage } from '../../test/support/functions.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FF_MAIN = fileURLToPath(
  new URL('../../node_modules/@google-cloud/functions-framework/build/src/main.js', import.meta.url),
);
const GIVE_UP_MS = 30_000;

export interface ColdStartTarget {
  target: string;
  /** A file for functions-framework's --source; the package `main` (dist/index.js) when absent. */
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

/** Milliseconds from spawn to the first request `send` made that was answered 2xx. */
export async function coldStartMs(what: ColdStartTarget, send: FirstRequest): Promise<number> {
  const port = await freePort();
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
  try {
    for (let attempt = 0; ; attempt++) {
      if (child.exitCode !== null) throw new Error(`${what.target} exited with ${child.exitCode}: ${stderr}`);
      const status = await send(`http://127.0.0.1:${port}`, attempt).catch(() => 0);
      if (status >= 200 && status < 300) return performance.now() - started;
      if (status !== 0) throw new Error(`${what.target} answered ${status} to its first event: ${stderr}`);
      if (performance.now() - started > GIVE_UP_MS)
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
