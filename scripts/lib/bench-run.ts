/**
 * Runs one benchmark arm: a fresh Notion sandbox in this process, the arm in a child process (its
 * own RSS), then what Notion holds: requests, pages, duplicates, tasks not in their final state.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Env } from '../../src/config/index.js';
import { startNotionSandbox } from '../../test/support/notion-sandbox/index.js';
import type { ArmResult, ArmSpec } from './bench-arm.js';
import { benchPlan } from './bench-workload.js';
import { summarise, taskProblems, type WorkspaceSummary } from './check-state.js';
import { round } from './stats.js';
import { syncEnv } from './sync-env.js';

const ARM = fileURLToPath(new URL('./bench-arm.ts', import.meta.url));
const TSX = fileURLToPath(new URL('../../node_modules/tsx/dist/loader.mjs', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The time scale and the limits derived from it (Notion's real figures divided by the scale). */
export interface BenchSettings {
  scale: number;
  /** Notion's real average rate (requests/s) before scaling. */
  notionRps: number;
  /** Notion's query-index lag (ms) before scaling. */
  lagMs: number;
  concurrency: number;
  store: Env;
}

export interface ArmMeasure extends ArmResult {
  notionRequests: number;
  rateLimited: number;
  byRoute: Record<string, number>;
  workspace: WorkspaceSummary;
  wrongStates: number;
  wrongExamples: string[];
  reqPerEvent: number;
  eventsPerSecond: number;
}

function runChild(spec: ArmSpec): Promise<ArmResult> {
  const child = spawn(process.execPath, ['--import', TSX, ARM], {
    cwd: ROOT,
    env: { PATH: process.env['PATH'] ?? '', BENCH_ARM: JSON.stringify(spec) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => {
    out += c.toString();
  });
  child.stderr.on('data', (c: Buffer) => {
    err = (err + c.toString()).slice(-4_000);
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => {
      const last = out.trim().split('\n').pop() ?? '';
      try {
        if (code !== 0) throw new Error(`exit ${code}`);
        resolve(JSON.parse(last) as ArmResult);
      } catch (error) {
        reject(new Error(`benchmark arm ${spec.arm} failed (${String(error)}): ${err}`));
      }
    });
  });
}

/** Runs `arm` against a fresh sandbox enforcing the scaled rate and lag. */
export async function runArm(
  arm: 'ours' | 'baseline',
  settings: BenchSettings,
  logPath?: string,
): Promise<ArmMeasure> {
  const rps = settings.notionRps * settings.scale;
  const lagMs = Math.round(settings.lagMs / settings.scale);
  const sandbox = await startNotionSandbox({ lagMs, rps, seed: 7 });
  try {
    // Every duration of the product's configuration shrinks by the same scale as Notion's.
    const env = syncEnv(sandbox, settings.store, {
      NOTION_RPS: String(rps),
      NOTION_INDEX_LAG_MS: String(Math.round(10_000 / settings.scale)),
      NOTION_TIMEOUT_MS: String(Math.round(15_000 / settings.scale)),
      CLAIM_LEASE_MS: String(Math.round(30_000 / settings.scale)),
    });
    const result = await runChild({ arm, env, concurrency: settings.concurrency, logPath });
    const counts = sandbox.counts();
    const problems = taskProblems(sandbox, benchPlan().workload.expected.values());
    return {
      ...result,
      notionRequests: counts.total,
      rateLimited: counts.rateLimited,
      byRoute: counts.byRoute,
      workspace: summarise(sandbox),
      wrongStates: problems.length,
      wrongExamples: problems.slice(0, 3),
      reqPerEvent: round(counts.total / result.events),
      eventsPerSecond: round(result.events / (result.elapsedMs / 1000)),
    };
  } finally {
    await sandbox.close();
  }
}
