import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Config } from './config/index.js';
import type { Logger } from './log/logger.js';
import { createNotionApi } from './notion/client.js';
import { checkSchemas } from './notion/schema.js';
import type { DatabaseKey, NotionApi } from './notion/types.js';
import { createStateStore } from './state/index.js';
import type { StateStore } from './state/store.js';
import { createBrake } from './sync/brake.js';
import type { SyncContext } from './sync/context.js';
import { createEnsureOnce } from './sync/ensure-once.js';
import { createLedger } from './sync/ledger.js';
import type { TodoistApi } from './todoist/api.js';
import { createTodoistApi } from './todoist/api.js';

export interface RuntimeOverrides {
  store?: StateStore;
  notion?: NotionApi;
  todoist?: TodoistApi;
  now?: () => number;
}

/** The composition root of event handling: builds every client once per process. */
export function createSyncContext(
  config: Config,
  logger: Logger,
  overrides: RuntimeOverrides = {},
): SyncContext {
  const owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const store = overrides.store ?? createStateStore(config.state);
  const notion = overrides.notion ?? createNotionApi({ config: config.notion, logger });
  const now = overrides.now ?? Date.now;
  const todoist =
    overrides.todoist ??
    (config.todoist.apiToken
      ? createTodoistApi({ token: config.todoist.apiToken, baseUrl: config.todoist.baseUrl, logger })
      : undefined);
  const databases = config.notion.databases;
  let schemas: ReturnType<typeof checkSchemas> | undefined;
  const loadSchemas = () => {
    schemas ??= checkSchemas(notion, databases).catch((error: unknown) => {
      schemas = undefined;
      throw error;
    });
    return schemas;
  };
  return {
    config,
    notion,
    store,
    logger,
    todoist,
    now,
    brake: createBrake({ limitPerMinute: config.sync.createLimitPerMinute, logger, now }),
    ensure: createEnsureOnce({
      store,
      logger,
      owner,
      leaseMs: config.state.leaseMs,
      indexLagMs: config.notion.indexLagMs,
      requestTimeoutMs: config.notion.timeoutMs,
      now,
    }),
    ledger: createLedger({
      store,
      logger,
      owner,
      leaseMs: config.state.leaseMs,
      ttlMs: config.state.ledgerTtlMs,
      now,
    }),
    async properties(db: DatabaseKey) {
      const result = await loadSchemas();
      return result.available[db] ?? new Set<string>();
    },
    databaseId(db: DatabaseKey) {
      const id = databases[db];
      if (!id) throw new Error(`no database configured for ${db}`);
      return id;
    },
  };
}
