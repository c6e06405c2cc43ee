/**
 * The environment part of `doctor`: every variable of the contract, each checked on its own.
 * Validation stays in `loadConfig` (the only reader of the environment): it stops at the first
 * bad variable, so we record it, stand a valid placeholder in for it and load again until the
 * configuration passes. That way every bad variable is reported, not just the first.
 */
import {
  type Config,
  type ConfigRole,
  DATABASE_KEYS,
  DEFAULT_NOTION_VERSION,
  dataSourceVariable,
  type Env,
  isConfigError,
  loadConfig,
  NOTION_VERSIONS,
} from '../config/index.js';
import type { CheckLine } from './checklist.js';

interface VariableInfo {
  name: string;
  secret?: boolean;
  /** A valid stand-in used only to let validation continue past this variable. */
  placeholder?: string;
  /** What happens when it is unset. */
  unset: string;
  fix: string;
}

const DB_ID = '00000000000000000000000000000000';
const dbFix = (db: string) =>
  `set NOTION_${db.toUpperCase()}_DATABASE_ID to the id of your ${db} database (the 32 hex digits in its URL) and share it with the integration, or make the databases with npm run setup-notion -- --parent <page>`;

type DatabaseKey = (typeof DATABASE_KEYS)[number];
const sourceInfo = (key: DatabaseKey): VariableInfo => {
  const name = dataSourceVariable(key);
  return {
    name,
    unset: 'optional: unset, each cold instance first reads the database to find it, one Notion request more',
    fix: `set ${name} to the data source id npm run setup-notion prints for the ${key} database (Notion: database settings → Manage data sources → Copy data source ID), or unset it`,
  };
};
/** The data source variables: optional, spared a read when set, ignored under 2022-06-28. */
const SOURCE_VARIABLES = new Set(DATABASE_KEYS.map(dataSourceVariable));

/** The contract's variables, in the README's order. */
export const VARIABLES: readonly VariableInfo[] = [
  {
    name: 'NOTION_TOKEN',
    secret: true,
    placeholder: 'doctor-placeholder',
    unset: 'required',
    fix: 'set NOTION_TOKEN to the internal integration secret (Notion → Settings → Connections → Develop or manage integrations)',
  },
  {
    name: 'NOTION_BASE_URL',
    unset: 'default https://api.notion.com',
    fix: 'unset NOTION_BASE_URL, or set an http(s) URL',
  },
  {
    name: 'NOTION_VERSION',
    unset: `default ${DEFAULT_NOTION_VERSION}`,
    fix: `set NOTION_VERSION to one of ${NOTION_VERSIONS.join(', ')}`,
  },
  { name: 'NOTION_AREAS_DATABASE_ID', placeholder: DB_ID, unset: 'required', fix: dbFix('Areas') },
  { name: 'NOTION_PROJECTS_DATABASE_ID', placeholder: DB_ID, unset: 'required', fix: dbFix('Projects') },
  { name: 'NOTION_TODOS_DATABASE_ID', placeholder: DB_ID, unset: 'required', fix: dbFix('Todos') },
  { name: 'NOTION_PEOPLE_DATABASE_ID', unset: 'optional: assignee matching is off', fix: dbFix('People') },
  ...DATABASE_KEYS.map(sourceInfo),
  {
    name: 'TODOIST_CLIENT_SECRET',
    secret: true,
    placeholder: 'doctor-placeholder',
    unset: 'needed by todoistWebhook only',
    fix: 'set TODOIST_CLIENT_SECRET to the client secret of your Todoist app (developer.todoist.com → App Management)',
  },
  {
    name: 'TODOIST_API_TOKEN',
    secret: true,
    placeholder: 'doctor-placeholder',
    unset: 'optional: project names become placeholders; reconcile needs it',
    fix: 'set TODOIST_API_TOKEN to a Todoist API token (Todoist → Settings → Integrations → Developer)',
  },
  {
    name: 'TODOIST_API_TOKENS',
    secret: true,
    unset: 'optional: every call uses TODOIST_API_TOKEN',
    fix: 'set TODOIST_API_TOKENS to userId:token pairs separated by commas or newlines (one per person, each from npm run todoist-auth), or unset it',
  },
  {
    name: 'TODOIST_BASE_URL',
    unset: 'default https://api.todoist.com',
    fix: 'unset TODOIST_BASE_URL, or set an http(s) URL',
  },
  {
    name: 'PUBSUB_TOPIC',
    placeholder: 'doctor-placeholder',
    unset: 'needed by todoistWebhook only',
    fix: 'set PUBSUB_TOPIC to the topic id the webhook publishes to (gcloud pubsub topics create <id>)',
  },
  {
    name: 'STATE_STORE',
    unset: 'default firestore',
    fix: 'set STATE_STORE to firestore (deployments) or memory (one local process)',
  },
  {
    name: 'GOOGLE_CLOUD_PROJECT',
    placeholder: 'doctor-placeholder',
    unset: 'discovered on Google Cloud',
    fix: 'set GOOGLE_CLOUD_PROJECT to your project id (needed outside Google Cloud with STATE_STORE=firestore)',
  },
  {
    name: 'FIRESTORE_EMULATOR_HOST',
    unset: 'real Firestore',
    fix: 'set FIRESTORE_EMULATOR_HOST to host:port of the emulator, or unset it',
  },
  {
    name: 'PUBSUB_EMULATOR_HOST',
    unset: 'real Pub/Sub',
    fix: 'set PUBSUB_EMULATOR_HOST to host:port of the emulator, or unset it',
  },
  {
    name: 'AREA_LABEL_PREFIX',
    unset: 'default area:',
    fix: 'set AREA_LABEL_PREFIX to a non-empty prefix such as area:, or unset it',
  },
  {
    name: 'SYNC_ONLY_LABEL',
    unset: 'optional: every task syncs',
    fix: 'set SYNC_ONLY_LABEL to a Todoist label name, or unset it',
  },
  {
    name: 'SYNC_EXCLUDE_PROJECT_IDS',
    unset: 'optional',
    fix: 'set SYNC_EXCLUDE_PROJECT_IDS to comma-separated Todoist project ids, or unset it',
  },
  {
    name: 'SYNC_USERS',
    unset: "optional: every Todoist user's events sync",
    fix: 'set SYNC_USERS to comma-separated Todoist user ids, or unset it',
  },
  {
    name: 'DUE_AS_RANGE',
    unset: 'default false: Due is the start only',
    fix: 'set DUE_AS_RANGE to true or false, or unset it',
  },
  {
    name: 'SYNC_DIRECTION',
    unset: 'default todoist-to-notion',
    fix: 'set SYNC_DIRECTION to todoist-to-notion or two-way',
  },
  {
    name: 'NOTION_WEBHOOK_SECRET',
    secret: true,
    unset: 'two-way: set after verifying the Notion webhook subscription',
    fix: 'store the verification token notionWebhook logs at NOTICE (docs/two-way.md)',
  },
  {
    name: 'NOTION_PUBSUB_TOPIC',
    placeholder: 'doctor-placeholder',
    unset: 'needed by notionWebhook only',
    fix: 'set NOTION_PUBSUB_TOPIC to the topic id notionWebhook publishes to (gcloud pubsub topics create <id>)',
  },
  {
    name: 'NOTION_TRASH_ACTION',
    unset: 'default ignore',
    fix: 'set NOTION_TRASH_ACTION to ignore, complete or delete',
  },
];

/** Who is synced and who has a token of their own: user ids only, never a token. */
function usersLine(config: Config): CheckLine {
  const own = Object.keys(config.todoist.apiTokens);
  const synced =
    config.sync.users.length > 0 ? config.sync.users.join(', ') : 'everyone whose webhook arrives';
  const tokens = own.length > 0 ? `own tokens for ${own.join(', ')}` : 'no per-user tokens';
  const missing = config.sync.users.filter((id) => !own.includes(id));
  const fallback =
    own.length > 0 && missing.length > 0 ? `; ${missing.join(', ')} use TODOIST_API_TOKEN` : '';
  return { status: 'ok', label: 'Todoist users', detail: `synced: ${synced}; ${tokens}${fallback}` };
}

const INFO = new Map(VARIABLES.map((v) => [v.name, v]));

/** A data source id set where the Notion-Version has no data sources. */
function ignored(name: string, config: Config | undefined): boolean {
  return SOURCE_VARIABLES.has(name) && config?.notion.version === '2022-06-28';
}

export interface EnvCheck {
  lines: CheckLine[];
  /** Variables that failed, by name. */
  failed: Set<string>;
  /** The CLI configuration with placeholders standing in for failed variables (undefined if even that failed). */
  config: Config | undefined;
}

/** Loads the configuration for one role again and again, collecting every failing variable. */
function failuresFor(env: Env, role: ConfigRole, into: Map<string, string>): Config | undefined {
  const work: Env = { ...env };
  const seen = new Set<string>();
  for (let round = 0; round < 64; round++) {
    try {
      return loadConfig(work, role);
    } catch (error) {
      if (!isConfigError(error)) throw error;
      if (!into.has(error.variable)) into.set(error.variable, error.message);
      if (seen.has(error.variable)) return undefined;
      seen.add(error.variable);
      // Unset falls back to the default; required variables get a valid placeholder.
      work[error.variable] = INFO.get(error.variable)?.placeholder;
    }
  }
  return undefined;
}

/** Checks every variable for the given roles; one line per contract variable (plus any bad tuning variable). */
export function checkEnvironment(env: Env, roles: readonly ConfigRole[]): EnvCheck {
  const problems = new Map<string, string>();
  for (const role of roles) failuresFor(env, role, problems);
  const config = failuresFor(env, 'cli', problems);
  const lines: CheckLine[] = [];
  const names = [...VARIABLES.map((v) => v.name), ...[...problems.keys()].filter((n) => !INFO.has(n))];
  for (const name of names) {
    const info = INFO.get(name);
    const problem = problems.get(name);
    const value = env[name];
    if (problem) {
      lines.push({
        status: 'fail',
        label: name,
        detail: problem.replace(`${name}: `, ''),
        fix: info?.fix ?? `set ${name} to a valid value (README, tuning table) or unset it for the default`,
      });
    } else if (value !== undefined && value.trim() !== '' && ignored(name, config)) {
      lines.push({
        status: 'skip',
        label: name,
        detail: `= ${value.trim()}, ignored under Notion-Version 2022-06-28`,
      });
    } else if (value !== undefined && value.trim() !== '') {
      const saves = SOURCE_VARIABLES.has(name) ? ' (spares a cold instance one Notion request)' : '';
      lines.push({
        status: 'ok',
        label: name,
        detail: info?.secret ? 'set (hidden)' : `= ${value.trim()}${saves}`,
      });
    } else if (info) {
      lines.push({ status: 'skip', label: name, detail: `not set (${info.unset})` });
    }
  }
  if (config) lines.push(usersLine(config));
  return { lines, failed: new Set(problems.keys()), config };
}
