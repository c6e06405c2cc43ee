import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { freeFixedPort } from './free-port.js';

export * from './pubsub-rest.js';

/** A running emulator: its `127.0.0.1:PORT` address and how to stop it (and every process it spawned). */
export interface Emulator {
  host: string;
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 60_000;
const PUBSUB_BIN = '/usr/lib/google-cloud-sdk/platform/pubsub-emulator/bin/cloud-pubsub-emulator';

/** Starts the Firestore emulator (via gcloud, which spawns java) on a free loopback port. */
export async function startFirestoreEmulator(): Promise<Emulator> {
  const port = await freeFixedPort();
  const host = `127.0.0.1:${port}`;
  const args = ['emulators', 'firestore', 'start', `--host-port=${host}`, '--quiet'];
  return startEmulator('firestore', 'gcloud', args, host, `http://${host}/`, `http://${host}/shutdown`);
}

/** Starts the Pub/Sub emulator on a free IPv4 loopback port (its default binds [::1]). */
export async function startPubSubEmulator(): Promise<Emulator> {
  const port = await freeFixedPort();
  const host = `127.0.0.1:${port}`;
  const args = ['--host=127.0.0.1', `--port=${port}`];
  return startEmulator('pubsub', PUBSUB_BIN, args, host, `http://${host}/v1/projects/x/topics`);
}

/** Deletes every document of the project's default database on the Firestore emulator. */
export async function clearFirestore(host: string, projectId: string): Promise<void> {
  const url = `http://${host}/emulator/v1/projects/${projectId}/databases/(default)/documents`;
  const res = await fetch(url, { method: 'DELETE' });
  if (!res.ok) throw new Error(`clearing Firestore failed: HTTP ${res.status} ${await res.text()}`);
}

async function startEmulator(
  name: string,
  command: string,
  args: string[],
  host: string,
  readyUrl: string,
  shutdownUrl?: string,
): Promise<Emulator> {
  // Own process group: gcloud and the shell launchers spawn java, and stop() must reach it too.
  const child = spawn(command, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-8_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const killOnExit = (): void => signalGroup(child, 'SIGKILL');
  process.once('exit', killOnExit);

  const stop = async (): Promise<void> => {
    process.off('exit', killOnExit);
    if (child.exitCode !== null || child.signalCode !== null) return;
    if (shutdownUrl) {
      await fetch(shutdownUrl, { method: 'POST', signal: AbortSignal.timeout(3_000) })
        .then((res) => res.body?.cancel())
        .catch(() => {});
    }
    signalGroup(child, 'SIGTERM');
    const exited = once(child, 'exit').then(() => true);
    const timedOut = new Promise<boolean>((r) => setTimeout(() => r(false), 5_000).unref());
    if (!(await Promise.race([exited, timedOut]))) signalGroup(child, 'SIGKILL');
    // Whatever the launcher did, leave no java behind in the group.
    signalGroup(child, 'SIGKILL');
  };

  try {
    await waitUntilAnswering(child, readyUrl);
  } catch (error) {
    await stop();
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`${name} emulator did not start (${reason}). Output:\n${output}`);
  }
  return { host, stop };
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group is already gone.
  }
}

async function waitUntilAnswering(child: ChildProcess, url: string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  let spawnError: Error | undefined;
  child.once('error', (error) => {
    spawnError = error;
  });
  while (Date.now() < deadline) {
    if (spawnError) throw spawnError;
    if (child.exitCode !== null) throw new Error(`the process exited with code ${child.exitCode}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      await res.body?.cancel();
      return; // Any HTTP answer means the server is up.
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`no answer from ${url} within ${START_TIMEOUT_MS / 1000} s`);
}
