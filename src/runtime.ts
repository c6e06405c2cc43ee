import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Config } from './config/index.js';
import { createBrake } from './exactly-once/brake.js';
import { createEnsureOnce } from './exactly-once/ensure-once.js';
import type { StateKind } from './exactly-once/keys.js';
import { createLedger } from './exactly-once/ledger.js';
import type { SyncContext } from './handlers/context.js';
import { createInstanceMemory } from './handlers/instance-memory.js';
import type { Logger } from './log/logger.js';
import { createNotionApi, type NotionClient } from './notion/client.js';
import { checkSchemas } from './notion/schema.js';
import type { DatabaseKey, NotionApi } from './notion/types.js';
import { createStateStore } from './state/index.js';
import type { StateStore } from './state/store.js';
import type { TodoistApi } from './todoist/api.js';
import { createTodoistApi } from './todoist/api.js';
import { createTodoistWriter, type TodoistWriter } from './todoist/sync-writer.js';

export interface RuntimeOverrides {
  store?: StateStore;
  notion?: NotionApi;
  todoist?: TodoistApi;
  /** Per-user Todoist APIs by user id (tests); otherwise built from `TODOIST_API_TOKENS`. */
  todoistByUser?: Record<string, TodoistApi>;
  todoistWriter?: TodoistWriter;
  now?: () => number;
}

/**
 * The composition root: builds everything one instance holds (Notion client and limiter, store,
 * claims, ledger, caches, locks, counters). Nothing else keeps state between events.
 */
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
  const byUser = new Map<string, TodoistApi>(
    Object.entries(
      overrides.todoistByUser ??
        Object.fromEntries(
          Object.entries(config.todoist.apiTokens).map(([userId, token]) => [
            userId,
            createTodoistApi({ token, baseUrl: config.todoist.baseUrl, logger }),
          ]),
        ),
    ),
  );
  const todoistWriter =
    overrides.todoistWriter ??
    (config.twoWay.direction === 'two-way' && config.todoist.apiToken
      ? createTodoistWriter({ token: config.todoist.apiToken, baseUrl: config.todoist.baseUrl, logger })
      : undefined);
  let botId: Promise<string | undefined> | undefined;
  const readBotId = () => {
    // Only the full client can make the call; a wrapped or fake NotionApi leaves the id unknown.
    const request = (notion as Partial<NotionClient>).request;
    botId ??= request
      ? request('GET', '/v1/users/me')
          .then((me) => {
            const id = (me as { id?: unknown } | null)?.id;
            return typeof id === 'string' ? id : undefined;
          })
          .catch((error: unknown) => {
            botId = undefined;
            logger.warn('could not read the integration’s own user id; bot-authored events are diffed', {
              error,
            });
            return undefined;
          })
      : Promise.resolve(undefined);
    return botId;
  };
  const databases = config.notion.databases;
  const claimsOf = <K extends StateKind>(claimOwner: string) =>
    createEnsureOnce<K>({
      store,
      logger,
      owner: claimOwner,
      leaseMs: config.state.leaseMs,
      indexLagMs: config.notion.indexLagMs,
      requestTimeoutMs: config.notion.timeoutMs,
      now,
    });
  // One read per database, made when an event first needs it and shared by every caller meanwhile;
  // a failure is not kept, so the next event reads again and reports it.
  const schemas = new Map<DatabaseKey, Promise<ReadonlySet<string>>>();
  const properties = (db: DatabaseKey): Promise<ReadonlySet<string>> => {
    let pending = schemas.get(db);
    if (!pending) {
      pending = checkSchemas(notion, databases, undefined, [db]).then(
        (report) => report.available[db] ?? new Set<string>(),
      );
      schemas.set(db, pending);
      pending.catch(() => {
        if (schemas.get(db) === pending) schemas.delete(db);
      });
    }
    return pending;
  };
  return {
    config,
    owner,
    notion,
    store,
    logger,
    todoist,
    todoistFor: (userId) => (userId ? byUser.get(userId) : undefined) ?? todoist,
    todoistUsers: [...byUser.keys()],
    now,
    brake: createBrake({ limitPerMinute: config.sync.createLimitPerMinute, logger, now }),
    ensure: claimsOf(owner),
    commentClaims: claimsOf<'comment'>(`${owner}:comments`),
    ledger: createLedger({
      store,
      logger,
      owner,
      leaseMs: config.state.leaseMs,
      ttlMs: config.state.ledgerTtlMs,
      now,
    }),
    memory: createInstanceMemory(now),
    todoistWriter,
    newTodoClaims: claimsOf<'notion-todo'>(`${owner}:notion`),
    botId: readBotId,
    properties,
    databaseId(db: DatabaseKey) {
      const id = databases[db];
      if (!id) throw new Error(`no database configured for ${db}`);
      return id;
    },
  };
}
