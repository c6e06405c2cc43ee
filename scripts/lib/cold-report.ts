/** The cold-start rows of the benchmark's tables: the headline per function, then what explains it. */
import { COLD_FUNCTIONS, type ColdStart } from './bench-cold.js';
import { type ColdSplit, routesLine } from './cold-split.js';

function splitText(s: ColdSplit | null): string {
  if (!s) return 'not measured';
  const warm = s.warmEventMs === null ? '' : `; same event warm ${s.warmEventMs}, cold adds ${s.coldExtraMs}`;
  return `ready ${s.readyMs} + first event ${s.firstEventMs}${warm}`;
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
  }
  if (cold.firstEventNotionRoutes)
    out.push([
      'Notion requests of the sync’s first event',
      `${cold.firstEventNotionRequests}: ${routesLine(cold.firstEventNotionRoutes)}`,
      'the start-up audit starts after it',
    ]);
  return out;
}
