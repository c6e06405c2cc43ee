/** Public types of the Notion sandbox; other suites, the demo and the benchmark depend on these. */
import type { WebhookEmitter } from './webhooks.js';

/** The four databases of the PARA workspace. */
export type DatabaseKey = 'areas' | 'projects' | 'todos' | 'people';
/** Older name of {@link DatabaseKey}, kept for existing imports. */
export type DbKey = DatabaseKey;

/** Property types the sandbox can store, validate and filter. */
export type PropertyType =
  | 'title'
  | 'rich_text'
  | 'checkbox'
  | 'date'
  | 'select'
  | 'multi_select'
  | 'relation'
  | 'url'
  | 'email'
  | 'phone_number'
  | 'number';

/** One property of a database schema as a test describes it. */
export interface PropertySpec {
  name: string;
  type: PropertyType;
  /** Target database of a relation. */
  relation?: DatabaseKey;
  /** Initial option names of a select / multi_select. */
  options?: string[];
}

/** Faults switchable per instance and at run time (0 or undefined turns one off). */
export interface SandboxFaults {
  /** A new or changed page shows in QUERY results only after this long; retrieve by id is immediate. */
  lagMs?: number;
  /** Average requests/s allowed (token bucket, burst ≈ rps); over it → 429 rate_limited with Retry-After. */
  rps?: number;
  /** Share (0..1) of /v1 requests answered 500 or 503 (half each) without doing the work. */
  errorRate?: number;
  /** Share of POST /v1/pages whose page is made but whose answer is lost (socket destroyed or 504, half each). */
  lostCreateRate?: number;
  /** Delay added to every /v1 request. */
  latencyMs?: number;
  /** Seed of the PRNG deciding the shares above. */
  seed?: number;
}

/** Options of {@link startNotionSandbox}. */
export interface SandboxOptions extends SandboxFaults {
  port?: number;
  host?: string;
  /** Fixed database ids (with or without dashes); random UUIDs otherwise. */
  databases?: Partial<Record<DatabaseKey, string>>;
  /** Replace a database's whole schema (schema-check tests). */
  schema?: Partial<Record<DatabaseKey, PropertySpec[]>>;
  /** Drop properties from the default (or given) schema (schema-check tests). */
  omitProperties?: Partial<Record<DatabaseKey, string[]>>;
  /** Databases that list a second (empty, unreachable) data source, as when a user adds one in Notion. */
  extraDataSources?: DatabaseKey[];
  /** Fixed id of the empty workspace page new databases can be made in; a random UUID otherwise. */
  parentPageId?: string;
}

/** A database as the sandbox holds it now: seeded (with its PARA role) or created over the API. */
export interface SandboxDatabase {
  id: string;
  dataSourceId: string;
  title: string;
  key?: DatabaseKey;
  parentPageId?: string;
  properties: Array<{
    name: string;
    type: PropertyType;
    /** Target database id of a relation. */
    relation?: string;
    /** Name of a dual relation's twin in the target database. */
    syncedProperty?: string;
    options: string[];
  }>;
}

/** A page as the sandbox holds it now (not as a lagging query sees it). */
export interface SandboxPage {
  id: string;
  databaseId: string;
  created_time: string;
  last_edited_time: string;
  in_trash: boolean;
  /** Notion response shape, every schema property present. */
  properties: Record<string, unknown>;
  /** Top-level blocks in response shape, trashed ones included (with `in_trash: true`). */
  children: unknown[];
}

/** Request counters; inspection routes are not counted. */
export interface SandboxCounts {
  total: number;
  /** Keyed `METHOD /v1/path` with ids replaced by `:id`, e.g. `PATCH /v1/pages/:id`. */
  byRoute: Record<string, number>;
  /** Keyed by HTTP status; a destroyed socket counts as `dropped`. */
  status: Record<string, number>;
  lostCreates: number;
  injectedErrors: number;
  rateLimited: number;
}

/** A running sandbox. */
export interface NotionSandbox {
  /** e.g. `http://127.0.0.1:PORT` (pass as the SDK's `baseUrl`). */
  url: string;
  databases: Record<DatabaseKey, string>;
  dataSources: Record<DatabaseKey, string>;
  /** An empty page shared with the integration: `POST /v1/databases` may create databases in it. */
  parentPageId: string;
  /** Every database, seeded and created, in creation order. */
  listDatabases(): SandboxDatabase[];
  /** Merges into the current faults; a key given as 0 or undefined turns that fault off. */
  setFaults(faults: SandboxFaults): void;
  /** Pages of databases (workspace pages such as `parentPageId` are not listed). */
  pages(options?: { databaseId?: string; includeTrashed?: boolean }): SandboxPage[];
  counts(): SandboxCounts;
  /** Deletes all database pages and zeroes counters; keeps databases, schemas, workspace pages and faults. */
  reset(): void;
  /** Signed Notion webhook events for page changes (see webhooks.ts). */
  webhooks: WebhookEmitter;
  /** Changes made by a person in Notion (`person` authored events), not through the API. */
  asPerson: {
    edit(pageId: string, body: Record<string, unknown>): void;
    create(db: DatabaseKey, properties: Record<string, unknown>): string;
  };
  close(): Promise<void>;
}
