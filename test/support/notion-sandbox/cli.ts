/**
 * `npm run notion-sandbox -- --port <n> [--host h] [--lag-ms ms] [--rps n] [--error-rate x] [--lost-create-rate x]
 * [--latency-ms n] [--seed n]`: serves the default schema, prints one JSON line
 * `{"url","databases","dataSources"}` on stdout when ready, and runs until SIGINT/SIGTERM. Bad flags: a
 * message on stderr and exit code 2.
 */
import { parseArgs } from 'node:util';
import { startNotionSandbox } from './server.js';
import type { SandboxOptions } from './types.js';

const USAGE =
  'usage: notion-sandbox --port <n> [--host 127.0.0.1] [--lag-ms <ms>] [--rps <n>] [--error-rate <0..1>] ' +
  '[--lost-create-rate <0..1>] [--latency-ms <ms>] [--seed <n>]';

/** Why the command line was refused. */
class UsageError extends Error {
  readonly code = 'usage';
}

function number(
  values: Record<string, string | undefined>,
  flag: string,
  max = Number.POSITIVE_INFINITY,
): number | undefined {
  const raw = values[flag];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || n < 0 || n > max)
    throw new UsageError(`--${flag} expects a number between 0 and ${max}, got ${JSON.stringify(raw)}`);
  return n;
}

function parse(argv: string[]): SandboxOptions {
  const flags = ['port', 'host', 'lag-ms', 'rps', 'error-rate', 'lost-create-rate', 'latency-ms', 'seed'];
  let values: Record<string, string | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: Object.fromEntries(flags.map((f) => [f, { type: 'string' as const }])),
      strict: true,
    }));
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
  const port = number(values, 'port', 65535);
  if (port !== undefined && !Number.isInteger(port))
    throw new UsageError(`--port expects an integer, got ${values['port']}`);
  const options: SandboxOptions = { port: port ?? 0, host: values['host'] ?? '127.0.0.1' };
  const set = <K extends keyof SandboxOptions>(key: K, value: SandboxOptions[K] | undefined) => {
    if (value !== undefined) options[key] = value;
  };
  set('lagMs', number(values, 'lag-ms'));
  set('rps', number(values, 'rps'));
  set('errorRate', number(values, 'error-rate', 1));
  set('lostCreateRate', number(values, 'lost-create-rate', 1));
  set('latencyMs', number(values, 'latency-ms'));
  set('seed', number(values, 'seed'));
  return options;
}

let options: SandboxOptions;
try {
  options = parse(process.argv.slice(2));
} catch (e) {
  if (!(e instanceof UsageError)) throw e;
  process.stderr.write(`notion-sandbox: ${e.message}\n${USAGE}\n`);
  process.exit(2);
}
const sandbox = await startNotionSandbox(options);
const ready = { url: sandbox.url, databases: sandbox.databases, dataSources: sandbox.dataSources };
process.stdout.write(`${JSON.stringify(ready)}\n`);
const stop = () => {
  void sandbox.close().finally(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
