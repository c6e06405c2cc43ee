#!/usr/bin/env node
/**
 * `npm run setup-notion -- --parent <page>`: makes Areas, Projects, Todos and People with every
 * property of the contract, or completes the databases NOTION_*_DATABASE_ID name; dry run first.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { DATABASE_KEYS, type Env, isConfigError, loadConfig, secretsOf } from '../config/index.js';
import { errorMessage } from '../errors.js';
import { createLogger } from '../log/logger.js';
import { createNotionApi } from '../notion/client.js';
import type { DatabaseKey } from '../notion/types.js';
import { databaseIdsInEnvText, mergeEnvText } from '../setup/env-file.js';
import { createSetupNotion } from '../setup/notion-setup.js';
import { parsePageId } from '../setup/page-id.js';
import { envLines, planLines, stepLine } from '../setup/report.js';
import { applyPlan, planFor, readWorkspace, type SetupInput } from '../setup/run-setup.js';
import { isUsageError, parseFlags, UsageError } from './args.js';
import { type CliIo, EXIT, processIo } from './io.js';
import { runAsScript } from './script.js';

export const USAGE = `Usage: setup-notion [--parent PAGE] [--apply] [--env-file PATH]

Makes the Notion workspace the sync needs: Areas, Projects, Todos and People with every property
(relations wired, Priority options P1..P4). Databases named by NOTION_*_DATABASE_ID are completed
with the properties they miss; nothing you have is ever renamed, retyped or deleted.

  --parent PAGE    id or URL of a page shared with the integration; missing databases are made in it
                   (a second run finds them there by title)
  --apply          make the changes (without it: a dry run that only prints them)
  --env-file PATH  also write the NOTION_*_DATABASE_ID and NOTION_*_DATA_SOURCE_ID lines into this
                   file (other lines are kept); database ids already in it count as configured on
                   the next run
  -h, --help       show this help

Needs NOTION_TOKEN (and NOTION_BASE_URL / NOTION_VERSION when not the defaults).
Exit codes: 0 done (or nothing to do), 1 a problem to fix (printed), 2 bad arguments.
`;

const FLAGS = {
  parent: { type: 'string' },
  apply: { type: 'boolean' },
  'env-file': { type: 'string' },
  help: { type: 'boolean' },
} as const;

/** The file's text; a file that does not exist yet reads as empty (it is created on --apply). */
function readEnvFile(path: string): Promise<string> {
  return readFile(path, 'utf8').catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return '';
    throw e;
  });
}

/** Variables set to something: an empty one must not hide the env file's value. */
function definedOnly(env: Env): Env {
  return Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''));
}

/** Runs the command; resolves with the exit code (never calls process.exit). */
export async function main(argv: readonly string[], env: Env, io: CliIo = processIo()): Promise<number> {
  let flags: ReturnType<typeof parseFlags<typeof FLAGS>>;
  let parentPageId: string | undefined;
  try {
    flags = parseFlags(argv.includes('-h') ? ['--help'] : argv, FLAGS);
    parentPageId = flags.parent === undefined ? undefined : parsePageId(flags.parent);
    if (flags.parent !== undefined && parentPageId === undefined)
      throw new UsageError(`--parent: ${JSON.stringify(flags.parent)} is not a Notion page id or page URL`);
  } catch (error) {
    if (!isUsageError(error)) throw error;
    io.stderr(`setup-notion: ${error.message}\n\n${USAGE}`);
    return EXIT.usage;
  }
  if (flags.help) {
    io.stdout(USAGE);
    return EXIT.ok;
  }
  const envFile = flags['env-file'];
  let existing = '';
  try {
    existing = envFile === undefined ? '' : await readEnvFile(envFile);
  } catch (error) {
    io.stderr(`setup-notion: cannot read --env-file: ${errorMessage(error)}\n`);
    return EXIT.error;
  }
  let config: ReturnType<typeof loadConfig>;
  try {
    // Ids a previous run wrote to the env file count as configured; the environment wins over them.
    config = loadConfig({ ...databaseIdsInEnvText(existing), ...definedOnly(env) }, 'setup');
  } catch (error) {
    if (!isConfigError(error)) throw error;
    io.stderr(`setup-notion: configuration error: ${error.message}\n`);
    return EXIT.error;
  }
  const configured: SetupInput['configured'] = {};
  for (const db of DATABASE_KEYS)
    if (config.notion.databases[db]) configured[db] = config.notion.databases[db];
  if (!parentPageId && Object.keys(configured).length === 0) {
    io.stderr(
      `setup-notion: nothing to work on: pass --parent with a page shared with the integration, or set NOTION_*_DATABASE_ID\n\n${USAGE}`,
    );
    return EXIT.usage;
  }
  const logger = createLogger({
    minSeverity: 'WARNING',
    sink: (line) => io.stderr(`${line}\n`),
    secrets: secretsOf(config),
  });
  // Setup reads each data source from its database: it is what prints them, and a stale configured
  // one must not hide the right one.
  const client = createNotionApi({ config: { ...config.notion, dataSources: {} }, logger });
  const input: SetupInput = {
    ...(parentPageId ? { parentPageId } : {}),
    configured,
    version: config.notion.version,
  };
  try {
    const notion = createSetupNotion(client, input.version);
    const workspace = await readWorkspace(notion, input);
    const plan = planFor(workspace, input);
    const where = parentPageId ? `, parent page ${parentPageId}` : '';
    io.stdout(`Notion workspace (Notion-Version ${input.version}${where}):\n`);
    io.stdout(`${planLines(plan, new Set(Object.keys(workspace.current) as DatabaseKey[])).join('\n')}\n\n`);
    let refs = workspace.refs;
    if (plan.steps.length === 0) io.stdout('Nothing to change: every database has every property.\n');
    else if (!flags.apply)
      io.stdout(
        `Dry run: nothing was changed. Run again with --apply to make ${plan.steps.length === 1 ? 'this change' : `these ${plan.steps.length} changes`}.\n`,
      );
    else {
      refs = await applyPlan(notion, plan, workspace, input, (step) => io.stdout(`✔ ${stepLine(step)}\n`));
      io.stdout(`Done: ${plan.steps.length} ${plan.steps.length === 1 ? 'change' : 'changes'} made.\n`);
    }
    const lines = envLines(refs);
    if (lines.length > 0)
      io.stdout(`\nSet these variables (.env, or the functions' environment):\n${lines.join('\n')}\n`);
    if (lines.some((l) => l.includes('_DATA_SOURCE_ID=')))
      io.stdout(
        '(The *_DATA_SOURCE_ID ones are optional: each spares a cold instance one Notion request.)\n',
      );
    const complete = plan.steps.length === 0 || flags.apply;
    if (envFile && complete && lines.length > 0) {
      const path = envFile;
      const values = Object.fromEntries(lines.map((l) => l.split('=') as [string, string]));
      await writeFile(path, mergeEnvText(existing, values));
      io.stdout(`Wrote ${lines.length} variables to ${path}.\n`);
    }
    const blocking = plan.conflicts.some((c) => c.required) || plan.absent.some((db) => db !== 'people');
    if (blocking) io.stderr('setup-notion: the workspace still lacks what the sync requires (see above).\n');
    return blocking ? EXIT.error : EXIT.ok;
  } catch (error) {
    io.stderr(
      `setup-notion: ${errorMessage(error)}\nWhat was made is kept; run the command again to continue (it finds databases by title under --parent).\n`,
    );
    return EXIT.error;
  } finally {
    await client.close().catch(() => undefined);
  }
}

runAsScript(import.meta.url, main);
