#!/usr/bin/env node
/**
 * `cleanup-duplicate-areas`: merges pages that should be one (Areas by name, or Projects/Todos by
 * Todoist ID). Dry run by default; `--apply` re-points links, trashes duplicates, fixes the cache.
 */
import { applyPlan } from '../audit/merge-apply.js';
import { buildPlan, isEmptyPlan, type MergePlan } from '../audit/merge-plan.js';
import { relationReader } from '../audit/relation-reader.js';
import { type Env, isConfigError, loadConfig } from '../config/index.js';
import { errorMessage } from '../errors.js';
import type { EntityKind } from '../exactly-once/keys.js';
import { createNotionApi } from '../notion/client.js';
import type { NotionApi } from '../notion/types.js';
import { createSyncContext } from '../runtime.js';
import type { StateStore } from '../state/store.js';
import { isUsageError, parseFlags } from './args.js';
import { type CliIo, cliLogger, EXIT, processIo } from './io.js';
import { planData, planText, resultText } from './plan-report.js';
import { createProgress } from './progress.js';
import { runAsScript } from './script.js';

export const USAGE = `Usage: cleanup-duplicate-areas [--apply] [--json] [--kind areas|projects|todos]

Finds pages that should be one and merges them without losing a link. For each group of
duplicates the canonical page is the one the Firestore cache points to, else the oldest.

  (no flag)       dry run: print the plan (groups, canonical page, duplicates, links to move);
                  nothing is changed
  --apply         execute it: re-point Todos.Area and Projects.Area (other targets kept) to the
                  canonical page, then trash the duplicates, then point the cache at the canonical
                  page. Safe to run again after an interruption; on a clean workspace it does nothing
  --json          print the plan (and the result) as JSON on stdout
  --kind KIND     areas (default, by normalised name), projects or todos (by Todoist ID; links
                  moved: Todos.Project, Todos.Parent)
  -h, --help      show this help

Configuration comes from the environment (NOTION_TOKEN, NOTION_*_DATABASE_ID, STATE_STORE, ...).
With STATE_STORE=memory the cache is neither read nor updated.
Exit codes: 0 done or nothing to do, 1 error (see the output; run again to resume), 2 bad arguments.
`;

const FLAGS = {
  apply: { type: 'boolean' },
  json: { type: 'boolean' },
  kind: { type: 'string', choices: ['areas', 'projects', 'todos'] },
  help: { type: 'boolean' },
} as const;

/** Test seams: wrap the Notion client (fault injection), share a store. */
export interface CleanupHooks {
  wrapNotion?: (api: NotionApi) => NotionApi;
  store?: StateStore;
}

const KIND: Record<string, EntityKind> = { areas: 'area', projects: 'project', todos: 'todo' };

function nothingToDo(plan: MergePlan): string {
  return `Nothing to do: no duplicate ${plan.kind}s found among ${plan.scanned} pages; no change made.\n`;
}

/** Runs the command; resolves with the exit code (never calls process.exit). */
export async function main(
  argv: readonly string[],
  env: Env,
  io: CliIo = processIo(),
  hooks: CleanupHooks = {},
): Promise<number> {
  let flags: ReturnType<typeof parseFlags<typeof FLAGS>>;
  try {
    flags = parseFlags(argv.includes('-h') ? ['--help'] : argv, FLAGS);
  } catch (error) {
    if (!isUsageError(error)) throw error;
    io.stderr(`cleanup-duplicate-areas: ${error.message}\n\n${USAGE}`);
    return EXIT.usage;
  }
  if (flags.help) {
    io.stdout(USAGE);
    return EXIT.ok;
  }
  const kind = KIND[flags.kind ?? 'areas'] ?? 'area';
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(env, 'cli');
  } catch (error) {
    if (!isConfigError(error)) throw error;
    io.stderr(
      `cleanup-duplicate-areas: configuration error: ${error.message}\nRun \`npm run doctor\` to check every variable.\n`,
    );
    return EXIT.error;
  }
  const logger = cliLogger(io, config);
  const base = createNotionApi({ config: config.notion, logger });
  const notion = hooks.wrapNotion ? hooks.wrapNotion(base) : base;
  const ctx = createSyncContext(config, logger, { notion, ...(hooks.store ? { store: hooks.store } : {}) });
  const shared = config.state.store !== 'memory' || hooks.store !== undefined;
  const notes = shared
    ? []
    : [
        'STATE_STORE=memory: the exactly-once cache is per process, so it is not read (canonical = oldest) nor updated.',
      ];
  const deps = {
    notion,
    databaseId: ctx.databaseId,
    ensure: shared ? ctx.ensure : undefined,
    readRelation: relationReader(base),
  };
  try {
    const plan = await buildPlan(deps, kind);
    const empty = isEmptyPlan(plan);
    if (!flags.apply || empty) {
      if (flags.json)
        io.stdout(
          `${JSON.stringify({ mode: flags.apply ? 'apply' : 'dry-run', notes, ...planData(plan) }, null, 2)}\n`,
        );
      else if (empty) io.stdout(nothingToDo(plan) + notes.map((n) => `Note: ${n}\n`).join(''));
      else
        io.stdout(
          `${planText(plan)}\n${notes.map((n) => `Note: ${n}\n`).join('')}Dry run: nothing was changed. Run again with --apply to merge.\n`,
        );
      return EXIT.ok;
    }
    if (!flags.json) io.stdout(`${planText(plan)}\n${notes.map((n) => `Note: ${n}\n`).join('')}Applying…\n`);
    const progress = createProgress(io, 'cleanup-duplicate-areas: writes');
    const result = await applyPlan(deps, plan, {
      concurrency: config.notion.concurrency,
      onProgress: (done, total) => progress.update(done, total),
    });
    progress.finish();
    if (flags.json)
      io.stdout(`${JSON.stringify({ mode: 'apply', notes, ...planData(plan), result }, null, 2)}\n`);
    else io.stdout(resultText(result));
    return result.failures.length > 0 || result.kept.length > 0 ? EXIT.error : EXIT.ok;
  } catch (error) {
    io.stderr(
      `cleanup-duplicate-areas: ${errorMessage(error)}\nNothing is lost: run the command again to resume.\n`,
    );
    return EXIT.error;
  } finally {
    // A store passed in by the caller is the caller's to close.
    if (!hooks.store) await ctx.store.close().catch(() => undefined);
    await base.close().catch(() => undefined);
  }
}

runAsScript(import.meta.url, main);
