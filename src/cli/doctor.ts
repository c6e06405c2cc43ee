#!/usr/bin/env node
/**
 * `npm run doctor`: checks the configuration, Notion (reachability, token, databases and their
 * properties), Firestore and the Pub/Sub topic; prints a checklist with a fix for each failed line.
 */
import { type ConfigRole, type Env, secretsOf } from '../config/index.js';
import { createLogger } from '../log/logger.js';
import { createNotionApi } from '../notion/client.js';
import type { NotionApi } from '../notion/types.js';
import { isUsageError, parseFlags } from './args.js';
import { type CheckSection, countFailures, renderChecklist } from './checklist.js';
import { checkEnvironment } from './doctor-env.js';
import { checkNotion } from './doctor-notion.js';
import { checkFirestore, checkPubSubTopic } from './doctor-services.js';
import { checkTwoWay } from './doctor-two-way.js';
import { type CliIo, EXIT, processIo } from './io.js';
import { runAsScript } from './script.js';

export const USAGE = `Usage: doctor [--for sync,webhook,reconcile] [--timeout SECONDS] [--json]

Checks that this environment can run notion-todoist-sync and prints a checklist; every failed
line comes with its fix.

  --for ROLES   which functions' requirements apply (comma-separated; default sync,webhook):
                sync = syncTodoistEvent, webhook = todoistWebhook, reconcile = reconcileTodoist
  --timeout S   give each service this many seconds to answer (default 10)
  --json        print the checklist as JSON
  -h, --help    show this help

Checks: each variable of the contract, Notion reachability and token, every configured database
and its properties (missing, or of the wrong type), Firestore reachability (STATE_STORE=firestore),
and the Pub/Sub topic when PUBSUB_TOPIC is set.
Exit codes: 0 all checks passed, 1 at least one failed, 2 bad arguments.
`;

const FLAGS = {
  for: { type: 'string' },
  timeout: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean' },
} as const;
const ROLE_NAMES: Record<string, ConfigRole> = {
  sync: 'sync',
  webhook: 'webhook',
  reconcile: 'reconcile',
  'notion-webhook': 'notion-webhook',
  'notion-sync': 'notion-sync',
};

export interface DoctorHooks {
  /** Per-probe time limit (default 10 s). */
  timeoutMs?: number;
  wrapNotion?: (api: NotionApi) => NotionApi;
}

function parseRoles(raw: string | undefined): ConfigRole[] | string {
  const names = (raw ?? 'sync,webhook')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const roles: ConfigRole[] = [];
  for (const name of names) {
    const role = ROLE_NAMES[name];
    if (!role)
      return `--for: unknown role ${JSON.stringify(name)} (expected sync, webhook, reconcile, notion-webhook or notion-sync)`;
    roles.push(role);
  }
  return roles.length > 0 ? roles : '--for: name at least one role';
}

/** Runs every check; resolves with the exit code. */
export async function main(
  argv: readonly string[],
  env: Env,
  io: CliIo = processIo(),
  hooks: DoctorHooks = {},
): Promise<number> {
  let flags: ReturnType<typeof parseFlags<typeof FLAGS>>;
  let roles: ConfigRole[] | string;
  try {
    flags = parseFlags(argv.includes('-h') ? ['--help'] : argv, FLAGS);
    roles = parseRoles(flags.for);
  } catch (error) {
    if (!isUsageError(error)) throw error;
    io.stderr(`doctor: ${error.message}\n\n${USAGE}`);
    return EXIT.usage;
  }
  if (flags.help) {
    io.stdout(USAGE);
    return EXIT.ok;
  }
  if (typeof roles === 'string') {
    io.stderr(`doctor: ${roles}\n\n${USAGE}`);
    return EXIT.usage;
  }
  const seconds = flags.timeout === undefined ? undefined : Number(flags.timeout);
  if (seconds !== undefined && !(Number.isFinite(seconds) && seconds > 0)) {
    io.stderr(
      `doctor: --timeout must be a positive number of seconds, not ${JSON.stringify(flags.timeout)}\n\n${USAGE}`,
    );
    return EXIT.usage;
  }
  const timeoutMs = seconds !== undefined ? seconds * 1000 : (hooks.timeoutMs ?? 10_000);
  const envCheck = checkEnvironment(env, roles);
  const sections: CheckSection[] = [
    { title: `Environment (for ${roles.join(', ')})`, lines: envCheck.lines },
  ];
  const config = envCheck.config;
  const failed = envCheck.failed;
  if (!config) {
    sections.push({
      title: 'Services',
      lines: [{ status: 'skip', label: 'skipped until the environment is fixed' }],
    });
  } else {
    const logger = createLogger({ minSeverity: 'ERROR', sink: () => {}, secrets: secretsOf(config) });
    const raw = createNotionApi({
      config: { ...config.notion, timeoutMs: Math.min(config.notion.timeoutMs, timeoutMs) },
      logger,
    });
    const notion = hooks.wrapNotion ? hooks.wrapNotion(raw) : raw;
    const stateBlocked = ['STATE_STORE', 'GOOGLE_CLOUD_PROJECT', 'FIRESTORE_EMULATOR_HOST'].some((v) =>
      failed.has(v),
    );
    const [notionLines, firestore, pubsub] = await Promise.all([
      checkNotion(config, failed, notion),
      stateBlocked
        ? Promise.resolve({
            status: 'skip' as const,
            label: 'Firestore',
            detail: 'skipped until the state variables are fixed',
          })
        : checkFirestore(config.state, timeoutMs),
      failed.has('PUBSUB_TOPIC')
        ? Promise.resolve({
            status: 'skip' as const,
            label: 'Pub/Sub topic',
            detail: 'skipped until PUBSUB_TOPIC is fixed',
          })
        : checkPubSubTopic(config, timeoutMs),
    ]);
    await raw.close().catch(() => undefined);
    sections.push(
      { title: 'Notion', lines: notionLines },
      { title: 'State', lines: [firestore] },
      { title: 'Pub/Sub', lines: [pubsub] },
      { title: 'Two-way', lines: await checkTwoWay(config, timeoutMs) },
    );
  }
  const failures = countFailures(sections);
  if (flags.json) io.stdout(`${JSON.stringify({ ok: failures === 0, failures, sections }, null, 2)}\n`);
  else io.stdout(renderChecklist(sections));
  return failures === 0 ? EXIT.ok : EXIT.error;
}

runAsScript(import.meta.url, main);
