import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createConnection } from 'node:net';
import { fileURLToPath } from 'node:url';
import { freeFixedPort } from './free-port.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FF_MAIN = fileURLToPath(
  new URL('../../node_modules/@google-cloud/functions-framework/build/src/main.js', import.meta.url),
);

const EXIT_PATIENCE_MS = 5_000;

/** A functions-framework process serving the built `dist/` (as `npx functions-framework` does). */
export interface FunctionProcess {
  url: string;
  port: number;
  /** Every log line the process wrote (stdout and stderr). */
  lines: string[];
  kill(signal?: NodeJS.Signals): Promise<void>;
  restart(): Promise<void>;
  alive(): boolean;
}

function waitForPort(port: number, child: ChildProcess, timeoutMs: number, lines: string[]): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      if (child.exitCode !== null) {
        reject(new Error(`function exited with ${child.exitCode}:\n${lines.slice(-20).join('\n')}`));
        return;
      }
      const socket = createConnection({ port, host: '127.0.0.1' });
      socket.once('connect', () => {
        socket.destroy();
        resolve();
      });
      socket.once('error', () => {
        socket.destroy();
        if (Date.now() > deadline)
          reject(new Error(`function did not listen on ${port}:\n${lines.slice(-20).join('\n')}`));
        else setTimeout(attempt, 100);
      });
    };
    attempt();
  });
}

/** Starts `functions-framework --target=<target>` with the given environment, on a free port. */
export async function startFunction(
  target: string,
  env: Record<string, string>,
  port?: number,
): Promise<FunctionProcess> {
  const chosen = port ?? (await freeFixedPort());
  const lines: string[] = [];
  let child: ChildProcess;
  const launch = async () => {
    child = spawn(process.execPath, [FF_MAIN, `--target=${target}`, `--port=${chosen}`], {
      cwd: ROOT,
      env: { PATH: process.env['PATH'] ?? '', NODE_ENV: 'test', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const collect = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) lines.push(line);
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    await waitForPort(chosen, child, 30_000, lines);
  };
  await launch();
  return {
    url: `http://127.0.0.1:${chosen}`,
    port: chosen,
    lines,
    alive: () => child.exitCode === null && child.signalCode === null,
    async kill(signal = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill(signal);
      // A process that outlives a polite signal by seconds is killed outright: a test never waits on it.
      const patience = setTimeout(() => child.kill('SIGKILL'), EXIT_PATIENCE_MS);
      await exited;
      clearTimeout(patience);
    },
    async restart() {
      await launch();
    },
  };
}

/** Posts a raw Pub/Sub push body (as the emulator or a push subscription does) to a cloudevent function. */
export async function pushMessage(
  url: string,
  input: { body: string | Buffer; attributes?: Record<string, string>; messageId: string },
  /** Aborts a push the function has not answered by then (Pub/Sub's ack deadline). */
  signal?: AbortSignal,
): Promise<number> {
  const res = await fetch(`${url}/projects/demo-nts/topics/todoist`, {
    method: 'POST',
    ...(signal ? { signal } : {}),
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      subscription: 'projects/demo-nts/subscriptions/sync',
      message: {
        data: Buffer.from(input.body).toString('base64'),
        attributes: input.attributes ?? {},
        messageId: input.messageId,
        publishTime: new Date().toISOString(),
      },
    }),
  });
  await res.arrayBuffer();
  return res.status;
}

/** The environment of a syncTodoistEvent process against a sandbox and the Firestore emulator; `tuning` overrides. */
export function syncEnv(
  sandbox: { url: string; databases: { areas: string; projects: string; todos: string } },
  tuning: Record<string, string>,
): Record<string, string> {
  return {
    NOTION_TOKEN: 'secret-token-for-tests',
    NOTION_BASE_URL: sandbox.url,
    NOTION_AREAS_DATABASE_ID: sandbox.databases.areas,
    NOTION_PROJECTS_DATABASE_ID: sandbox.databases.projects,
    NOTION_TODOS_DATABASE_ID: sandbox.databases.todos,
    STATE_COLLECTION_PREFIX: `t${randomUUID().slice(0, 8)}`,
    FIRESTORE_EMULATOR_HOST: process.env['FIRESTORE_EMULATOR_HOST'] ?? '',
    GOOGLE_CLOUD_PROJECT: process.env['GOOGLE_CLOUD_PROJECT'] ?? 'demo-nts',
    AUDIT_ON_START: 'false',
    ...tuning,
  };
}
