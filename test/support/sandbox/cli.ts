/**
 * `npm run notion-sandbox -- --port <n> [--lag-ms <ms>] [--rps <n>] [--error-rate x]
 * [--lost-create-rate x] [--latency-ms n] [--seed n]`: serves the default schema and prints one
 * JSON line `{"url", "databases"}` when ready; stops on SIGINT/SIGTERM.
 */
import { parseArgs } from 'node:util';
import { startNotionSandbox } from './server.js';

function numberFlag(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) {
    process.stderr.write(
      `notion-sandbox: --${flag} expects a non-negative number, got ${JSON.stringify(value)}\n`,
    );
    process.exit(2);
  }
  return n;
}

let values: Record<string, string | undefined>;
try {
  ({ values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      host: { type: 'string', default: '127.0.0.1' },
      'lag-ms': { type: 'string' },
      rps: { type: 'string' },
      'error-rate': { type: 'string' },
      'lost-create-rate': { type: 'string' },
      'latency-ms': { type: 'string' },
      seed: { type: 'string' },
    },
    strict: true,
  }) as { values: Record<string, string | undefined> });
} catch (error) {
  process.stderr.write(`notion-sandbox: ${(error as Error).message}\n`);
  process.exit(2);
}

const sandbox = await startNotionSandbox({
  port: numberFlag(values['port'], 'port') ?? 0,
  host: values['host'] ?? '127.0.0.1',
  lagMs: numberFlag(values['lag-ms'], 'lag-ms') ?? 0,
  rps: numberFlag(values['rps'], 'rps') ?? 0,
  errorRate: numberFlag(values['error-rate'], 'error-rate') ?? 0,
  lostCreateRate: numberFlag(values['lost-create-rate'], 'lost-create-rate') ?? 0,
  latencyMs: numberFlag(values['latency-ms'], 'latency-ms') ?? 0,
  seed: numberFlag(values['seed'], 'seed') ?? 42,
});
process.stdout.write(`${JSON.stringify({ url: sandbox.url, databases: sandbox.databases })}\n`);
const stop = () => {
  void sandbox.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
