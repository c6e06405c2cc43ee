/**
 * `npm run replay -- --runs 20 --workload plain|subtasks --faults on|off [--seed N] [--tasks N] [--logs DIR]`
 *
 * Runs the end-to-end replay over many seeds (see scripts/lib/replay-run.ts) and prints, per run,
 * extra pages, unlinked subtasks and wrong final states, then a summary line. Starts its own
 * Firestore emulator unless FIRESTORE_EMULATOR_HOST is set; builds dist/ when it is stale.
 * Exits 1 when any run shows a problem.
 */
import { parseArgs } from 'node:util';
import { startFirestoreEmulator } from '../test/support/emulators.js';
import { ensureDistBuilt } from './lib/dist-build.js';
import { runReplay } from './lib/replay-run.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '20' },
    workload: { type: 'string', default: 'plain' },
    faults: { type: 'string', default: 'off' },
    seed: { type: 'string', default: '1' },
    tasks: { type: 'string', default: '30' },
    logs: { type: 'string', default: 'replay-logs' },
  },
});
const workload = values.workload;
if (workload !== 'plain' && workload !== 'subtasks') throw new Error('--workload must be plain or subtasks');
if (values.faults !== 'on' && values.faults !== 'off') throw new Error('--faults must be on or off');
const runs = Number(values.runs);
const firstSeed = Number(values.seed);
const tasks = Number(values.tasks);

const say = (line: string) => process.stdout.write(`${line}\n`);
ensureDistBuilt(say);
const emulator = process.env['FIRESTORE_EMULATOR_HOST'] ? undefined : await startFirestoreEmulator();
const firestoreHost = process.env['FIRESTORE_EMULATOR_HOST'] ?? emulator?.host ?? '';
process.env['GOOGLE_CLOUD_PROJECT'] ??= 'demo-nts';
const totals = { runs: 0, failedRuns: 0, extraPages: 0, unlinked: 0, wrong: 0, ms: 0 };
try {
  for (let i = 0; i < runs; i++) {
    const seed = firstSeed + i;
    const r = await runReplay({
      workload,
      faults: values.faults === 'on',
      seed,
      tasks,
      firestoreHost,
      logDir: values.logs,
    });
    const bad = r.extraPages.length + r.unlinked.length + r.wrong.length;
    totals.runs += 1;
    totals.failedRuns += bad > 0 ? 1 : 0;
    totals.extraPages += r.extraPages.length;
    totals.unlinked += r.unlinked.length;
    totals.wrong += r.wrong.length;
    totals.ms += r.elapsedMs;
    say(
      `run ${i + 1}/${runs} seed ${seed} ${workload} faults ${values.faults}: ${r.events} events, ${r.deliveries} deliveries, lag ${r.lagMs} ms, ${(r.elapsedMs / 1000).toFixed(1)} s, ${r.notionRequests} Notion requests → extra pages ${r.extraPages.length}, unlinked children ${r.unlinked.length}, wrong states ${r.wrong.length}`,
    );
    say(`    signals ${JSON.stringify(r.signals)}`);
    for (const line of [...r.extraPages, ...r.unlinked, ...r.wrong].slice(0, 10)) say(`    ${line}`);
  }
} finally {
  await emulator?.stop();
}
say(
  `summary ${workload} faults ${values.faults}: ${totals.runs} runs, ${totals.failedRuns} with a problem; extra pages ${totals.extraPages}, unlinked children ${totals.unlinked}, wrong states ${totals.wrong}; ${(totals.ms / 1000).toFixed(0)} s in all`,
);
process.exit(totals.failedRuns > 0 ? 1 : 0);
