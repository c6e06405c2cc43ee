import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type BuildStep, distBuildSteps } from './support/dist-build.js';
import { type Emulator, startFirestoreEmulator, startPubSubEmulator } from './support/emulators.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * Starts what the suites share (Firestore and Pub/Sub emulators on free ports, a fresh dist/ build
 * and bundle for functions-framework processes) and stops it afterwards. An emulator whose variable is already
 * set (`FIRESTORE_EMULATOR_HOST`, `PUBSUB_EMULATOR_HOST`) is reused, not started.
 *
 * Suites read the addresses from `process.env`: this runs in the main Vitest process before any
 * worker exists, and Vitest 5 builds each fork's environment from `process.env` when it schedules
 * the files, so the variables set here are inherited by every test worker (checked by
 * test/integration/pubsub-emulator.test.ts) and by the processes the tests spawn.
 */
export default async function setup(): Promise<() => Promise<void>> {
  process.env['GOOGLE_CLOUD_PROJECT'] ??= 'demo-nts';
  const started: Emulator[] = [];
  const startIfUnset = async (variable: string, start: () => Promise<Emulator>): Promise<void> => {
    if (process.env[variable]) return;
    const emulator = await start();
    started.push(emulator);
    process.env[variable] = emulator.host;
  };
  const results = await Promise.allSettled([
    startIfUnset('FIRESTORE_EMULATOR_HOST', startFirestoreEmulator),
    startIfUnset('PUBSUB_EMULATOR_HOST', startPubSubEmulator),
    build(),
  ]);
  const teardown = async (): Promise<void> => {
    await Promise.all(started.map((e) => e.stop()));
  };
  const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failures.length > 0) {
    await teardown();
    throw new Error(
      failures.map((f) => (f.reason instanceof Error ? f.reason.message : String(f.reason))).join('\n\n'),
    );
  }
  return teardown;
}

/** `npm run build` (tsc, then the bundle `main` points at) with this Node, so functions-framework processes serve current code. */
async function build(): Promise<void> {
  for (const step of distBuildSteps()) await run(step);
}

function run(step: BuildStep): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(step.command, step.args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => {
      output += c.toString('utf8');
    });
    child.stderr.on('data', (c: Buffer) => {
      output += c.toString('utf8');
    });
    child.once('error', reject);
    child.once('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`${step.label} failed (exit ${code}):\n${output}`)),
    );
  });
}
