import type { Config } from '../config/index.js';
import type { CreateBrake } from '../exactly-once/brake.js';
import type { EnsureOnce } from '../exactly-once/ensure-once.js';
import type { Ledger } from '../exactly-once/ledger.js';
import type { Logger } from '../log/logger.js';
import type { DatabaseKey, NotionApi } from '../notion/types.js';
import type { StateStore } from '../state/store.js';
import type { TodoistApi } from '../todoist/api.js';
import type { TodoistWriter } from '../todoist/sync-writer.js';
import type { InstanceMemory } from './instance-memory.js';

/** Everything event handling needs, built once per process by the composition root. */
export interface SyncContext {
  config: Config;
  /** This instance's id (host, process, random), the owner of its claims and leases. */
  owner: string;
  notion: NotionApi;
  store: StateStore;
  ensure: EnsureOnce;
  /** Claims of comment blocks, under an owner id of their own. */
  commentClaims: EnsureOnce<'comment'>;
  ledger: Ledger;
  /** This instance's caches, per-entity locks and counters. */
  memory: InstanceMemory;
  logger: Logger;
  /** Names of the properties each database has (schema read and checked once per process). */
  properties(db: DatabaseKey): Promise<ReadonlySet<string>>;
  /** Database id by key. */
  databaseId(db: DatabaseKey): string;
  /** The Todoist API, when a token is configured (project names, collaborators). */
  todoist: TodoistApi | undefined;
  /** The Todoist API with this user's own token (`TODOIST_API_TOKENS`), else the default one. */
  todoistFor(userId: string | null | undefined): TodoistApi | undefined;
  /** Todoist users with a token of their own, in configuration order (reconcile runs once for each). */
  todoistUsers: readonly string[];
  now(): number;
  /** Per-instance runaway brake on page creates (absent: no limit). */
  brake?: CreateBrake | undefined;
  /** Claims of Todoist tasks made from Notion pages (key: page id; the claim's "page id" is the task id). */
  newTodoClaims?: EnsureOnce<'notion-todo'> | undefined;
  /** Todoist writes (`/api/v1/sync`), when two-way is on and a token is configured. */
  todoistWriter?: TodoistWriter | undefined;
  /** The integration's own Notion user id (`GET /v1/users/me`), read once; undefined when unknown. */
  botId?: (() => Promise<string | undefined>) | undefined;
}
