/**
 * The embedded configuration of the demo and the benchmark: the contract's environment variables,
 * pointing at a local Notion sandbox, as an object for `loadConfig` (process.env stays untouched).
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { Env } from '../../src/config/index.js';

/** Token and webhook secret of the embedded runs: local sandbox only, never real credentials. */
export const DEMO_NOTION_TOKEN = 'demo-notion-token-local-sandbox';
export const DEMO_CLIENT_SECRET = 'demo-todoist-client-secret';
export const DEMO_PROJECT_ID = 'demo-nts';

/** What `syncEnv` needs to know about a sandbox (its URL, database ids and their data sources). */
export interface SandboxAddress {
  url: string;
  databases: { areas: string; projects: string; todos: string };
  dataSources: { areas: string; projects: string; todos: string };
}

/** The state store the run uses and how to describe it to a person. */
export interface StoreChoice {
  env: Env;
  label: string;
}

/** Environment for one sync process against `sandbox`; `extra` wins over the defaults. */
export function syncEnv(sandbox: SandboxAddress, store: Env, extra: Env = {}): Env {
  return {
    NOTION_TOKEN: DEMO_NOTION_TOKEN,
    NOTION_BASE_URL: sandbox.url,
    NOTION_AREAS_DATABASE_ID: sandbox.databases.areas,
    NOTION_PROJECTS_DATABASE_ID: sandbox.databases.projects,
    NOTION_TODOS_DATABASE_ID: sandbox.databases.todos,
    // As setup-notion prints them for a deployment: a cold instance reads no database first.
    NOTION_AREAS_DATA_SOURCE_ID: sandbox.dataSources.areas,
    NOTION_PROJECTS_DATA_SOURCE_ID: sandbox.dataSources.projects,
    NOTION_TODOS_DATA_SOURCE_ID: sandbox.dataSources.todos,
    TODOIST_CLIENT_SECRET: DEMO_CLIENT_SECRET,
    PUBSUB_TOPIC: 'todoist-events',
    AUDIT_ON_START: 'false',
    LOG_LEVEL: 'INFO',
    ...store,
    ...extra,
  };
}

/** The memory store: one process only, which is what the demo and the benchmark run. */
export const MEMORY_STORE: StoreChoice = {
  env: { STATE_STORE: 'memory' },
  label: 'memory (STATE_STORE=memory, one process)',
};

/** The Firestore emulator at `host`, with a collection prefix of its own so runs never share state. */
export function firestoreStore(host: string, prefix: string): StoreChoice {
  return {
    env: {
      STATE_STORE: 'firestore',
      FIRESTORE_EMULATOR_HOST: host,
      GOOGLE_CLOUD_PROJECT: DEMO_PROJECT_ID,
      STATE_COLLECTION_PREFIX: prefix,
    },
    label: `Firestore emulator at ${host} (STATE_STORE=firestore)`,
  };
}

/** Whether an executable is on PATH (the Firestore emulator needs `gcloud`). */
export function onPath(command: string, path = process.env['PATH'] ?? ''): boolean {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    try {
      accessSync(join(dir, command), constants.X_OK);
      return true;
    } catch {
      // Not in this directory.
    }
  }
  return false;
}
