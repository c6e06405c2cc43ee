/**
 * A separate OS process that asks for Area pages concurrently, as one function instance would.
 * Env: the contract's variables plus WORKER_NAMES (JSON array), WORKER_CALLS, WORKER_START_AT (ms).
 * Prints one JSON line: {"pageIds": [...]} in call order.
 */
import { loadConfig } from '../../../src/config/index.js';
import { ensureArea } from '../../../src/handlers/areas.js';
import { createLogger } from '../../../src/log/logger.js';
import { createSyncContext } from '../../../src/runtime.js';

const config = loadConfig(process.env, 'sync');
const ctx = createSyncContext(
  config,
  createLogger({ minSeverity: 'WARNING', sink: (l) => process.stderr.write(`${l}\n`) }),
);
const names = JSON.parse(process.env['WORKER_NAMES'] ?? '[]') as string[];
const calls = Number(process.env['WORKER_CALLS'] ?? '25');
const startAt = Number(process.env['WORKER_START_AT'] ?? '0');

await new Promise((r) => setTimeout(r, Math.max(0, startAt - Date.now())));
const pageIds = await Promise.all(
  Array.from({ length: calls }, (_, i) => ensureArea(ctx, names[i % names.length] ?? 'x')),
);
process.stdout.write(`${JSON.stringify({ pageIds, requests: ctx.notion.stats().total })}\n`);
await ctx.store.close();
process.exit(0);
