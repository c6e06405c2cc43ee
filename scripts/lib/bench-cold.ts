/**
 * The cold-start part of the benchmark: the built syncTodoistEvent (memory store, start-up audit on,
 * as deployed) beside a bare functions-framework function, each the median of a few fresh processes.
 * Notion answers at once here (no rate limit, no lag) so the figure is the process's own start-up
 * plus the first event's work; at Notion's real 3 requests/s add ⅓ s per request it made.
 */
import type { Env } from '../../src/config/index.js';
import { startNotionSandbox } from '../../test/support/notion-sandbox/index.js';
import { coldStartMs } from './cold-start.js';
import { median, round } from './stats.js';
import { MEMORY_STORE, syncEnv } from './sync-env.js';
import { taskEventBody, todoistStamp } from './todoist-payloads.js';

export interface ColdStart {
  oursMs: number;
  bareMs: number;
  trials: number;
  /** Notion requests the product made before acknowledging its first event (audit included). */
  firstEventNotionRequests: number;
}

function strings(env: Env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  return out;
}

/** Measures `trials` cold starts of each, alternating, and reports the medians. */
export async function measureColdStarts(trials: number): Promise<ColdStart> {
  const sandbox = await startNotionSandbox({ seed: 3 });
  try {
    const env = strings(
      syncEnv(sandbox, MEMORY_STORE.env, {
        NOTION_RPS: '1000',
        NOTION_CONCURRENCY: '8',
        AUDIT_ON_START: 'true',
        LOG_LEVEL: 'WARNING',
      }),
    );
    const body = taskEventBody('item:added', {
      id: 'cold0001St',
      content: 'First task after a deploy',
      labels: ['area:Home'],
      updated_at: todoistStamp(Date.parse('2026-11-02T08:00:00Z')),
    });
    const ours: number[] = [];
    const bare: number[] = [];
    let requests = 0;
    for (let i = 0; i < trials; i++) {
      sandbox.reset();
      ours.push(await coldStartMs({ target: 'syncTodoistEvent', env }, body));
      requests = sandbox.counts().total;
      bare.push(await coldStartMs({ target: 'bareEvent', source: 'bench/bare-function.js', env: {} }, body));
    }
    return {
      oursMs: round(median(ours), 0),
      bareMs: round(median(bare), 0),
      trials,
      firstEventNotionRequests: requests,
    };
  } finally {
    await sandbox.close();
  }
}
