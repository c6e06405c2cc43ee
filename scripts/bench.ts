/**
 * `npm run bench -- [--json] [--scale N] [--store memory|firestore] [--no-cold-start]`: the product
 * beside the naive query-then-create sync on one fixed workload, against a Notion sandbox enforcing
 * Notion's 3 requests/s, time-scaled so the run stays short; plus cold start beside a bare
 * functions-framework function. Writes bench/results/latest.json and latest.md. A benchmark, not a
 * test: exit 1 only when the product itself broke its promise (duplicates, wrong final state).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isUsageError, parseFlags, UsageError } from '../src/cli/args.js';
import { runAsScript } from '../src/cli/script.js';
import { type ColdStart, measureColdStarts } from './lib/bench-cold.js';
import { benchResult, markdownTable, setupLine, textTable } from './lib/bench-report.js';
import { type BenchSettings, runArm } from './lib/bench-run.js';
import { benchPlan } from './lib/bench-workload.js';
import { ensureDistBuilt } from './lib/dist-build.js';
import { chooseStore } from './lib/state-store.js';

const RESULTS = fileURLToPath(new URL('../bench/results/', import.meta.url));
const NOTION_RPS = 3;
const INDEX_LAG_MS = 2_000;
const CONCURRENCY = 8;
const COLD_TRIALS = 3;
const USAGE = 'usage: npm run bench -- [--json] [--scale N] [--store memory|firestore] [--no-cold-start]';

/** Builds dist/ when stale; a failed build skips the cold start (with the reason) instead of the whole run. */
function buildForColdStart(say: (line: string) => void): boolean {
  try {
    ensureDistBuilt(say);
    return true;
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).split('\n').slice(0, 4).join(' ');
    say(`cold start skipped: ${reason}`);
    return false;
  }
}

async function main(argv: readonly string[]): Promise<number> {
  const flags = parseFlags(argv, {
    json: { type: 'boolean' },
    scale: { type: 'string' },
    store: { type: 'string', choices: ['memory', 'firestore'] },
    'no-cold-start': { type: 'boolean' },
  });
  const scale = Number(flags.scale ?? '15');
  if (!Number.isFinite(scale) || scale < 1)
    throw new UsageError(`--scale must be a number ≥ 1, got ${flags.scale}`);
  // With --json only the result goes to stdout; progress goes to stderr.
  const say = (line: string) => (flags.json ? process.stderr : process.stdout).write(`${line}\n`);
  const started = performance.now();

  let cold: ColdStart | null = null;
  if (!flags['no-cold-start'] && buildForColdStart(say)) {
    say(`cold start: ${COLD_TRIALS} fresh processes each of syncTodoistEvent (dist/) and a bare function…`);
    cold = await measureColdStarts(COLD_TRIALS);
  }

  const store = await chooseStore((flags.store ?? 'memory') as 'memory' | 'firestore', say);
  try {
    const settings: BenchSettings = {
      scale,
      notionRps: NOTION_RPS,
      lagMs: INDEX_LAG_MS,
      concurrency: CONCURRENCY,
      store: store.env,
    };
    const logs = (arm: string) => join(tmpdir(), `notion-todoist-sync-bench-${arm}-${process.pid}.log`);
    say(`ours: the workload through handleMessage (${store.label})…`);
    const ours = await runArm('ours', settings, logs('ours'));
    say(`naive baseline: the same deliveries through query-then-create…`);
    const baseline = await runArm('baseline', settings, logs('baseline'));
    const result = benchResult({
      ours,
      baseline,
      settings,
      storeLabel: store.label,
      cold,
      outOfOrder: benchPlan().outOfOrder,
    });

    mkdirSync(RESULTS, { recursive: true });
    writeFileSync(join(RESULTS, 'latest.json'), `${JSON.stringify(result, null, 2)}\n`);
    const md = [
      '# Benchmark: latest figures',
      '',
      `Measured ${result.measuredAt} with Node ${result.node} by \`npm run bench\`.`,
      '',
      setupLine(result),
      '',
      markdownTable(result),
      '',
    ].join('\n');
    writeFileSync(join(RESULTS, 'latest.md'), md);

    const ok = ours.workspace.duplicates === 0 && ours.wrongStates === 0 && ours.failed === 0;
    if (flags.json) {
      say(`done in ${((performance.now() - started) / 1000).toFixed(0)} s`);
      process.stdout.write(`${JSON.stringify(result)}\n`);
    } else {
      say('');
      say(`notion-todoist-sync benchmark (${((performance.now() - started) / 1000).toFixed(0)} s)`);
      say(`  ${setupLine(result)}`);
      say('');
      say(textTable(result));
      say('');
      if (result.coldStartMs)
        say(
          `  cold start: median of ${result.coldStartMs.trials}, Notion answering at once; the first event made ${result.coldStartMs.firstEventNotionRequests} Notion requests (start-up audit included).`,
        );
      for (const example of baseline.wrongExamples) say(`  baseline, for example: ${example}`);
      for (const example of ours.wrongExamples) say(`  OURS NOT IN FINAL STATE: ${example}`);
      say(`  written to bench/results/latest.json and latest.md; sync logs in ${logs('*')}`);
    }
    return ok ? 0 : 1;
  } finally {
    await store.stop();
  }
}

runAsScript(import.meta.url, (argv) =>
  main(argv).catch((error: unknown) => {
    if (!isUsageError(error)) throw error;
    process.stderr.write(`${error.message}\n${USAGE}\n`);
    return 2;
  }),
);
