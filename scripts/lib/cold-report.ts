/** The cold-start rows of the benchmark's tables: the headline per function, then what explains it. */
import { STORE_OP_KINDS, type StoreOpCounts } from '../../test/support/firestore-standin/index.js';
import { COLD_FUNCTIONS, type ColdStart, isStoreFunction, STORE_FUNCTIONS } from './cold-result.js';
import { type ColdSplit, routesLine } from './cold-split.js';

function splitText(s: ColdSplit | null | undefined): string {
  if (!s) return 'not measured';
  const warm = s.warmEventMs === null ? '' : `; same event warm ${s.warmEventMs}, cold adds ${s.coldExtraMs}`;
  return `ready ${s.readyMs} + first event ${s.firstEventMs}${warm}`;
}

/** `12: 5 get, 4 create, 3 commit`: store round trips by kind, kinds never used left out. */
export function storeOpsLine(counts: StoreOpCounts): string {
  const kinds = STORE_OP_KINDS.filter((k) => counts[k] > 0).map((k) => `${counts[k]} ${k}`);
  return `${counts.total}${kinds.length > 0 ? `: ${kinds.join(', ')}` : ''}`;
}

/** Which store each figure used, and why the headline uses the stand-in (one paragraph). */
export function coldNote(cold: ColdStart): string {
  const emulator = cold.emulator
    ? ` The sync and the reconcile are measured again with the ${cold.emulator.store} as their store ("with the Firestore emulator" rows), in a phase of their own beside the bare function again, so no headline trial runs while that emulator is busy: the same work plus the emulator's own time per request, which on this machine is slower than Firestore itself.`
    : ` The Firestore emulator figures are missing: ${cold.skipped.emulator ?? 'not measured'}.`;
  return (
    `Cold start: median of ${cold.trials} fresh processes per function, in an order that turns each round; ready = spawn → port taking connections; first event = its own time; warm = the same kind of event next, on the warm process. ` +
    `Headline figures: every outside service answers at once (Notion sandbox, Todoist fake, state store: ${cold.store}), so they are the function's own start-up and first event; the store requests the first event makes are counted beside them, one round trip each.` +
    emulator
  );
}

/** Rows (label, ours, beside) for the comparison table; none when the cold start was not measured. */
export function coldRows(cold: ColdStart | null): Array<[string, string, string]> {
  if (!cold) return [];
  const out: Array<[string, string, string]> = [];
  for (const fn of COLD_FUNCTIONS) {
    const ms = cold[fn];
    out.push([
      `cold start to first request, ${fn} (ms)`,
      ms === null ? `not measured: ${cold.skipped[fn] ?? ''}` : `${ms} (${cold.ratio[fn]}× bare)`,
      `bare functions-framework: ${cold.bare}`,
    ]);
    // Older results have no split: the headline alone is still right.
    if (ms !== null && cold.split) {
      const bare = fn === 'todoistWebhook' ? cold.split.bareHttp : cold.split.bare;
      out.push([`  split, ${fn} (ms)`, splitText(cold.split[fn]), `bare: ${splitText(bare)}`]);
    }
    const onEmulator = cold.emulator;
    if (onEmulator && isStoreFunction(fn)) {
      const emuMs = onEmulator[fn];
      out.push([
        `  with the Firestore emulator, ${fn} (ms)`,
        emuMs === null ? 'not measured' : `${emuMs} (${onEmulator.ratio[fn]}× bare)`,
        `bare ${onEmulator.bare ?? cold.bare} in the same phase; split: ${splitText(onEmulator.split[fn])}`,
      ]);
    }
  }
  if (cold.firstEventNotionRoutes)
    out.push([
      'Notion requests of the sync’s first event',
      `${cold.firstEventNotionRequests}: ${routesLine(cold.firstEventNotionRoutes)}`,
      'the start-up audit starts after it',
    ]);
  for (const fn of STORE_FUNCTIONS) {
    const ops = cold.firstEventStoreOps?.[fn];
    if (ops)
      out.push([
        `Firestore requests of the first event, ${fn}`,
        storeOpsLine(ops),
        'counted by the stand-in; one round trip each',
      ]);
  }
  return out;
}
