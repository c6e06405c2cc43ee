#!/usr/bin/env node
/**
 * `npm run reconcile`: brings Notion in line with Todoist (the first backfill of an existing
 * account, and repairs). Applies by default; `--dry-run` only prints what would change.
 */
import { type Env, isConfigError, loadConfig } from '../config/index.js';
import { errorMessage } from '../errors.js';
import { createNotionApi } from '../notion/client.js';
import type { NotionApi } from '../notion/types.js';
import { reconcileEachUser, type UserReconcile } from '../reconcile/per-user.js';
import { remap, remapText } from '../reconcile/remap.js';
import { reportText } from '../reconcile/report.js';
import { createSyncContext } from '../runtime.js';
import type { StateStore } from '../state/store.js';
import type { TodoistApi } from '../todoist/api.js';
import { isUsageError, parseFlags, UsageError } from './args.js';
import { type CliIo, cliLogger, EXIT, processIo } from './io.js';
import { createProgress } from './progress.js';
import { runAsScript } from './script.js';

export const USAGE = `Usage: reconcile [--dry-run] [--json] [--allow-creates | --create-limit N] [--since TIME]
       reconcile --remap [--apply] [--json]

Lists every active task and project in Todoist (and the tasks completed since the last run) and
makes Notion match, through the same exactly-once, newest-wins path as webhook events: a task
gets one page, a run with nothing changed writes nothing, a task is trashed only when Todoist
confirms it is gone. One reconcile runs at a time.

  --dry-run          print what would change (create, update, trash); write nothing
  --json             print the report as JSON on stdout
  --allow-creates    confirm a backfill: lift the runaway brake (CREATE_LIMIT_PER_MINUTE) for this run
  --create-limit N   or raise it to N page creates per minute for this run
  --since TIME       apply tasks completed since TIME (ISO-8601, at most ~3 months back), including
                     ones Notion never showed; default: since the last complete run
  --remap            map every stored task again with the current mapping (database properties,
                     AREA_LABEL_PREFIX, mapping code) and list the pages that would change; no
                     Todoist API call. Dry run unless --apply is given
  --apply            with --remap: write those pages, one PATCH each
  -h, --help         show this help

Configuration comes from the environment (TODOIST_API_TOKEN, NOTION_TOKEN, NOTION_*_DATABASE_ID,
STATE_STORE, ...). Exit codes: 0 done, 1 not complete (see the output; run again to resume),
2 bad arguments.
`;

const FLAGS = {
  'dry-run': { type: 'boolean' },
  json: { type: 'boolean' },
  'allow-creates': { type: 'boolean' },
  'create-limit': { type: 'string' },
  since: { type: 'string' },
  remap: { type: 'boolean' },
  apply: { type: 'boolean' },
  help: { type: 'boolean' },
} as const;

/** Test seams: share a store, wrap the Notion client, use a Todoist client. */
export interface ReconcileHooks {
  store?: StateStore;
  wrapNotion?: (api: NotionApi) => NotionApi;
  todoist?: TodoistApi;
}

function allowCreates(flags: ReturnType<typeof parseFlags<typeof FLAGS>>): boolean | number | undefined {
  if (flags['allow-creates'] && flags['create-limit'] !== undefined)
    throw new UsageError('--allow-creates and --create-limit are alternatives: give one');
  if (flags['allow-creates']) return true;
  if (flags['create-limit'] === undefined) return undefined;
  const n = Number(flags['create-limit']);
  if (!Number.isInteger(n) || n <= 0)
    throw new UsageError(
      `--create-limit must be a positive integer, not ${JSON.stringify(flags['create-limit'])}`,
    );
  return n;
}

/** Runs the command; resolves with the exit code (never calls process.exit). */
export async function main(
  argv: readonly string[],
  env: Env,
  io: CliIo = processIo(),
  hooks: ReconcileHooks = {},
): Promise<number> {
  let flags: ReturnType<typeof parseFlags<typeof FLAGS>>;
  let creates: boolean | number | undefined;
  try {
    flags = parseFlags(argv.includes('-h') ? ['--help'] : argv, FLAGS);
    creates = allowCreates(flags);
    if (flags.apply && !flags.remap)
      throw new UsageError('--apply goes with --remap (a reconcile applies by default)');
  } catch (error) {
    if (!isUsageError(error)) throw error;
    io.stderr(`reconcile: ${error.message}\n\n${USAGE}`);
    return EXIT.usage;
  }
  if (flags.help) {
    io.stdout(USAGE);
    return EXIT.ok;
  }
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(env, flags.remap ? 'cli' : 'reconcile');
  } catch (error) {
    if (!isConfigError(error)) throw error;
    io.stderr(
      `reconcile: configuration error: ${error.message}\nRun \`npm run doctor -- --for reconcile\` to check every variable.\n`,
    );
    return EXIT.error;
  }
  const logger = cliLogger(io, config);
  const base = createNotionApi({ config: config.notion, logger });
  const notion = hooks.wrapNotion ? hooks.wrapNotion(base) : base;
  const ctx = createSyncContext(config, logger, {
    notion,
    ...(hooks.store ? { store: hooks.store } : {}),
    ...(hooks.todoist ? { todoist: hooks.todoist } : {}),
  });
  if (config.state.store === 'memory' && !hooks.store && !flags.json)
    io.stderr(
      'reconcile: STATE_STORE=memory keeps no state between runs: the next run finds pages by Todoist ID and rewrites them.\n',
    );
  if (flags.remap) {
    try {
      const report = await remap(ctx, { apply: flags.apply });
      io.stdout(flags.json ? `${JSON.stringify(report, null, 2)}\n` : remapText(report));
      return report.failures.length === 0 ? EXIT.ok : EXIT.error;
    } finally {
      if (!hooks.store) await ctx.store.close().catch(() => undefined);
      await base.close().catch(() => undefined);
    }
  }
  const progress = flags.json ? undefined : createProgress(io, 'reconcile');
  try {
    const runs = await reconcileEachUser(ctx, {
      dryRun: flags['dry-run'],
      ...(flags.since !== undefined ? { since: flags.since } : {}),
      ...(creates !== undefined ? { allowCreates: creates } : {}),
      onProgress: (done, total) => progress?.update(done, total),
    });
    progress?.finish();
    io.stdout(runsText(runs, flags.json));
    return runs.every((run) => run.report.status === 'done') ? EXIT.ok : EXIT.error;
  } catch (error) {
    progress?.finish();
    io.stderr(`reconcile: ${errorMessage(error)}\nNothing is lost: run the command again to resume.\n`);
    return EXIT.error;
  } finally {
    if (!hooks.store) await ctx.store.close().catch(() => undefined);
    await base.close().catch(() => undefined);
  }
}

/** One user's report as before; several users' reports each under a heading (JSON: `[{ userId, report }]`). */
function runsText(runs: UserReconcile[], json: boolean): string {
  const [only] = runs;
  if (runs.length === 1 && only)
    return json ? `${JSON.stringify(only.report, null, 2)}\n` : reportText(only.report);
  if (json) return `${JSON.stringify(runs, null, 2)}\n`;
  return runs
    .map((run) => `Todoist user ${run.userId ?? '(default token)'}:\n${reportText(run.report)}`)
    .join('\n');
}

runAsScript(import.meta.url, main);
