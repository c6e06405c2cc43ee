import { AppError } from '../errors.js';

/** Which entry point is loading the configuration: each requires a different subset. */
export type ConfigRole =
  | 'sync'
  | 'webhook'
  | 'reconcile'
  | 'cli'
  | 'setup'
  | 'notion-webhook'
  | 'notion-sync';

/** Which way edits flow: Todoist → Notion only (the default), or Notion edits back to Todoist too. */
export type SyncDirection = 'todoist-to-notion' | 'two-way';

/** What a Todo page moved to the trash in Notion does to its Todoist task. */
export type TrashAction = 'ignore' | 'complete' | 'delete';

/** Notion-Version values the product speaks (src/notion/versions.ts says what differs between them). */
export const NOTION_VERSIONS = ['2026-03-11', '2025-09-03', '2022-06-28'] as const;
export type NotionVersion = (typeof NOTION_VERSIONS)[number];
export const DEFAULT_NOTION_VERSION: NotionVersion = '2026-03-11';

export interface Config {
  notion: {
    token: string;
    baseUrl: string;
    version: NotionVersion;
    databases: { areas: string; projects: string; todos: string; people: string | undefined };
    /**
     * Each database's data source (`NOTION_*_DATA_SOURCE_ID`), when configured: a cold instance then
     * reads a schema in one request instead of two. Ignored under 2022-06-28, which has no data sources.
     */
    dataSources?: DataSourceIds;
    /** Average Notion requests per second for the whole process. */
    rps: number;
    /** Requests in flight at once. */
    concurrency: number;
    timeoutMs: number;
    /** How long a new page may stay invisible to queries; look-before-create waits this long. */
    indexLagMs: number;
  };
  todoist: {
    clientSecret: string | undefined;
    apiToken: string | undefined;
    /** Per-user API tokens by Todoist user id (`TODOIST_API_TOKENS`); `apiToken` serves everyone else. */
    apiTokens: Record<string, string>;
    baseUrl: string;
  };
  pubsub: { topic: string | undefined; emulatorHost: string | undefined; projectId: string | undefined };
  /** Notion → Todoist (two-way) settings. */
  twoWay: {
    direction: SyncDirection;
    /** The subscription's verification token, the HMAC key of `X-Notion-Signature` (absent until verified). */
    webhookSecret: string | undefined;
    /** Topic notionWebhook publishes Notion events to. */
    topic: string | undefined;
    trashAction: TrashAction;
  };
  state: {
    store: 'firestore' | 'memory';
    projectId: string | undefined;
    firestoreEmulatorHost: string | undefined;
    /** Firestore collection name prefix; lets tests and environments share one database. */
    collectionPrefix: string;
    /** How long a claim owner may hold a key before another instance takes it over. */
    leaseMs: number;
    /** How long finished event-ledger entries are kept (Firestore TTL on `expireAt`). */
    ledgerTtlMs: number;
  };
  sync: {
    areaLabelPrefix: string;
    onlyLabel: string | undefined;
    excludeProjectIds: string[];
    /** Todoist user ids whose events are synced (`SYNC_USERS`); empty: everyone's. */
    users: string[];
    /** A timed due with a duration shows as a start–end range on `Due` (`DUE_AS_RANGE`). */
    dueAsRange: boolean;
    /** Pages of one kind one instance may create in a rolling minute before the brake trips. */
    createLimitPerMinute: number;
  };
  audit: { onStart: boolean; kinds: Array<'area' | 'project' | 'todo'> };
  logLevel: 'DEBUG' | 'INFO' | 'WARNING' | 'ERROR';
}

/** Configured data source ids by database; an absent one is read from its database. */
export interface DataSourceIds {
  areas?: string;
  projects?: string;
  todos?: string;
  people?: string;
}

export type Env = Record<string, string | undefined>;

/** A missing or malformed environment variable, named in the message. */
export class ConfigError extends AppError<'config_invalid'> {
  readonly variable: string;
  constructor(variable: string, expected: string, got: string | undefined) {
    const shown = got === undefined || got === '' ? 'it is not set' : `got ${JSON.stringify(got)}`;
    super('config_invalid', `${variable}: expected ${expected}, but ${shown}`);
    this.variable = variable;
  }
}

export function isConfigError(value: unknown): value is ConfigError {
  return value instanceof ConfigError;
}

const NOTION_ID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

function read(env: Env, name: string): string | undefined {
  const v = env[name];
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

function required(env: Env, name: string, expected: string): string {
  const v = read(env, name);
  if (v === undefined) throw new ConfigError(name, expected, env[name]);
  return v;
}

function url(env: Env, name: string, fallback: string): string {
  const v = read(env, name) ?? fallback;
  try {
    const u = new URL(v);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('protocol');
  } catch {
    throw new ConfigError(name, 'an http(s) URL such as https://api.notion.com', v);
  }
  return v.replace(/\/+$/, '');
}

function notionId(env: Env, name: string, isRequired: boolean, what = 'database'): string | undefined {
  const expected = `a Notion ${what} id (32 hex digits, dashes optional)`;
  const v = isRequired ? required(env, name, expected) : read(env, name);
  if (v !== undefined && !NOTION_ID.test(v)) throw new ConfigError(name, expected, v);
  return v;
}

/** The four databases, in the contract's order. */
export const DATABASE_KEYS = ['areas', 'projects', 'todos', 'people'] as const;

/** The variable naming one database (`NOTION_TODOS_DATABASE_ID`). */
export const databaseVariable = (key: (typeof DATABASE_KEYS)[number]): string =>
  `NOTION_${key.toUpperCase()}_DATABASE_ID`;

/** The variable naming one database's data source (`NOTION_TODOS_DATA_SOURCE_ID`). */
export const dataSourceVariable = (key: (typeof DATABASE_KEYS)[number]): string =>
  `NOTION_${key.toUpperCase()}_DATA_SOURCE_ID`;

/**
 * `NOTION_*_DATA_SOURCE_ID`, each optional (an empty value is unset: cloudbuild substitutions
 * default to ""). One only makes sense beside its database's id, which it is checked against.
 */
function dataSourceIds(env: Env, databases: Config['notion']['databases'], checkPairs: boolean) {
  const out: DataSourceIds = {};
  for (const key of DATABASE_KEYS) {
    const name = dataSourceVariable(key);
    const id = notionId(env, name, false, 'data source');
    if (id === undefined) continue;
    if (checkPairs && !databases[key])
      throw new ConfigError(name, `to be set only with ${databaseVariable(key)}`, id);
    out[key] = id;
  }
  return out;
}

function positive(env: Env, name: string, fallback: number, integer = false): number {
  const raw = read(env, name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    throw new ConfigError(name, integer ? 'a positive integer' : 'a positive number', raw);
  }
  return n;
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = read(env, name);
  if (raw === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(raw))
    throw new ConfigError(name, `one of ${allowed.join(', ')}`, raw);
  return raw as T;
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = read(env, name);
  if (raw === undefined) return fallback;
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new ConfigError(name, 'true or false', raw);
}

function idList(env: Env, name: string): string[] {
  return (read(env, name) ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

const USER_TOKEN = /^([^\s:,]+):(\S+)$/;

/**
 * `TODOIST_API_TOKENS`: `userId:token` pairs separated by commas or newlines, so the whole list
 * can be one Secret Manager secret mounted as one variable (`--set-secrets`), one line per person.
 */
function userTokens(env: Env): Record<string, string> {
  const raw = read(env, 'TODOIST_API_TOKENS');
  const tokens: Record<string, string> = {};
  for (const pair of (raw ?? '').split(/[,\n]/).map((s) => s.trim())) {
    if (pair === '') continue;
    const m = USER_TOKEN.exec(pair);
    // The value is a secret: the error names the variable and the entry's position, never the token.
    if (!m?.[1] || !m[2] || tokens[m[1]] !== undefined)
      throw new ConfigError(
        'TODOIST_API_TOKENS',
        'userId:token pairs separated by commas or newlines, each user once',
        `entry ${Object.keys(tokens).length + 1} malformed or repeated`,
      );
    tokens[m[1]] = m[2];
  }
  return tokens;
}

function auditKinds(env: Env): Array<'area' | 'project' | 'todo'> {
  const raw = read(env, 'AUDIT_KINDS');
  if (raw === undefined) return ['area', 'project'];
  const kinds = raw
    .split(',')
    .map((s) => s.trim().toLowerCase().replace(/s$/, ''))
    .filter(Boolean);
  for (const k of kinds) {
    if (k !== 'area' && k !== 'project' && k !== 'todo') {
      throw new ConfigError('AUDIT_KINDS', 'a comma-separated list of areas, projects, todos', raw);
    }
  }
  return [...new Set(kinds)] as Array<'area' | 'project' | 'todo'>;
}

/**
 * Reads and validates the whole configuration once. The only reader of `process.env`.
 * Throws a ConfigError naming the first variable that is missing or malformed.
 */
export function loadConfig(env: Env = process.env, role: ConfigRole = 'sync'): Config {
  const store = oneOf(env, 'STATE_STORE', ['firestore', 'memory'] as const, 'firestore');
  const needsNotion = role !== 'webhook' && role !== 'notion-webhook';
  // setup-notion makes the databases, so their ids may not exist yet; it keeps no state.
  const needsDatabases = needsNotion && role !== 'setup';
  const token = needsNotion
    ? required(env, 'NOTION_TOKEN', 'the Notion integration secret')
    : (read(env, 'NOTION_TOKEN') ?? '');
  const projectId = read(env, 'GOOGLE_CLOUD_PROJECT') ?? read(env, 'GCLOUD_PROJECT');
  const databases = {
    areas: notionId(env, databaseVariable('areas'), needsDatabases) ?? '',
    projects: notionId(env, databaseVariable('projects'), needsDatabases) ?? '',
    todos: notionId(env, databaseVariable('todos'), needsDatabases) ?? '',
    people: notionId(env, databaseVariable('people'), false),
  };
  const config: Config = {
    notion: {
      token,
      baseUrl: url(env, 'NOTION_BASE_URL', 'https://api.notion.com'),
      version: oneOf(env, 'NOTION_VERSION', NOTION_VERSIONS, DEFAULT_NOTION_VERSION),
      databases,
      dataSources: dataSourceIds(env, databases, needsDatabases),
      rps: positive(env, 'NOTION_RPS', 3),
      concurrency: positive(env, 'NOTION_CONCURRENCY', 3, true),
      timeoutMs: positive(env, 'NOTION_TIMEOUT_MS', 15_000, true),
      indexLagMs: positive(env, 'NOTION_INDEX_LAG_MS', 10_000, true),
    },
    todoist: {
      clientSecret:
        role === 'webhook'
          ? required(env, 'TODOIST_CLIENT_SECRET', 'the Todoist app client secret (webhook HMAC key)')
          : read(env, 'TODOIST_CLIENT_SECRET'),
      apiToken:
        role === 'reconcile' && read(env, 'TODOIST_API_TOKENS') === undefined
          ? required(env, 'TODOIST_API_TOKEN', 'a Todoist API token (reconcile reads the Todoist API)')
          : role === 'notion-sync'
            ? required(
                env,
                'TODOIST_API_TOKEN',
                'a Todoist API token (two-way writes Notion edits to Todoist)',
              )
            : read(env, 'TODOIST_API_TOKEN'),
      apiTokens: userTokens(env),
      baseUrl: url(env, 'TODOIST_BASE_URL', 'https://api.todoist.com'),
    },
    pubsub: {
      topic:
        role === 'webhook'
          ? required(env, 'PUBSUB_TOPIC', 'the Pub/Sub topic id to publish webhooks to')
          : read(env, 'PUBSUB_TOPIC'),
      emulatorHost: read(env, 'PUBSUB_EMULATOR_HOST'),
      // `gcloud beta emulators pubsub env-init` sets PUBSUB_PROJECT_ID rather than GOOGLE_CLOUD_PROJECT.
      projectId: projectId ?? read(env, 'PUBSUB_PROJECT_ID'),
    },
    twoWay: {
      direction: oneOf(env, 'SYNC_DIRECTION', ['todoist-to-notion', 'two-way'] as const, 'todoist-to-notion'),
      // Optional even for the receiver: before the subscription is verified there is no secret yet,
      // and the receiver must still answer Notion's verification request.
      webhookSecret: read(env, 'NOTION_WEBHOOK_SECRET'),
      topic:
        role === 'notion-webhook'
          ? required(env, 'NOTION_PUBSUB_TOPIC', 'the Pub/Sub topic id to publish Notion events to')
          : read(env, 'NOTION_PUBSUB_TOPIC'),
      trashAction: oneOf(env, 'NOTION_TRASH_ACTION', ['ignore', 'complete', 'delete'] as const, 'ignore'),
    },
    state: {
      store,
      projectId,
      firestoreEmulatorHost: read(env, 'FIRESTORE_EMULATOR_HOST'),
      collectionPrefix: read(env, 'STATE_COLLECTION_PREFIX') ?? 'nts',
      leaseMs: positive(env, 'CLAIM_LEASE_MS', 30_000, true),
      ledgerTtlMs: positive(env, 'LEDGER_TTL_DAYS', 14) * 86_400_000,
    },
    sync: {
      areaLabelPrefix: env['AREA_LABEL_PREFIX'] ?? 'area:',
      onlyLabel: read(env, 'SYNC_ONLY_LABEL'),
      excludeProjectIds: (read(env, 'SYNC_EXCLUDE_PROJECT_IDS') ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
      createLimitPerMinute: positive(env, 'CREATE_LIMIT_PER_MINUTE', 200, true),
      dueAsRange: bool(env, 'DUE_AS_RANGE', false),
      users: idList(env, 'SYNC_USERS'),
    },
    audit: { onStart: bool(env, 'AUDIT_ON_START', true), kinds: auditKinds(env) },
    logLevel: oneOf(env, 'LOG_LEVEL', ['DEBUG', 'INFO', 'WARNING', 'ERROR'] as const, 'INFO'),
  };
  const { timeoutMs, indexLagMs } = config.notion;
  if (config.state.leaseMs <= timeoutMs + indexLagMs) {
    // A shorter lease lets a slow owner be overtaken while its create is still in flight.
    throw new ConfigError(
      'CLAIM_LEASE_MS',
      `more than NOTION_TIMEOUT_MS + NOTION_INDEX_LAG_MS (${timeoutMs} + ${indexLagMs} ms)`,
      String(config.state.leaseMs),
    );
  }
  if (config.sync.areaLabelPrefix === '')
    throw new ConfigError('AREA_LABEL_PREFIX', 'a non-empty label prefix such as area:', '');
  if (store === 'firestore' && needsDatabases && !projectId && !config.state.firestoreEmulatorHost) {
    // Outside Google Cloud the client cannot discover the project; on Cloud Run it can.
    if (!env['K_SERVICE'] && !env['FUNCTION_TARGET']) {
      throw new ConfigError(
        'GOOGLE_CLOUD_PROJECT',
        'a Google Cloud project id when STATE_STORE=firestore runs outside Google Cloud',
        undefined,
      );
    }
  }
  return config;
}

/** Secret values of a config, for log redaction. */
export function secretsOf(config: Config): string[] {
  return [
    config.notion.token,
    config.todoist.clientSecret,
    config.todoist.apiToken,
    ...Object.values(config.todoist.apiTokens),
    config.twoWay.webhookSecret,
  ].filter((v): v is string => typeof v === 'string' && v.length > 0);
}
