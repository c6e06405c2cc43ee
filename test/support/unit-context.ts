import { type Config, type ConfigRole, type Env, loadConfig } from '../../src/config/index.js';
import { SCHEMA_SPEC } from '../../src/notion/schema.js';
import { createFakeNotion } from './fake-notion.js';

/** Database ids of the unit-test workspace. */
export const IDS = {
  areas: '11111111111111111111111111111111',
  projects: '22222222222222222222222222222222',
  todos: '33333333333333333333333333333333',
};

/** An in-memory Notion holding the contract's Areas, Projects and Todos schemas (plus `extra` databases). */
export function fakeWorkspace(extra: Record<string, keyof typeof SCHEMA_SPEC> = {}) {
  const types = (db: keyof typeof SCHEMA_SPEC) =>
    Object.fromEntries(SCHEMA_SPEC[db].map((p) => [p.property, p.type]));
  const extras = Object.fromEntries(Object.entries(extra).map(([id, db]) => [id, types(db)]));
  return createFakeNotion({
    [IDS.areas]: types('areas'),
    [IDS.projects]: types('projects'),
    [IDS.todos]: types('todos'),
    ...extras,
  });
}

/** The configuration of unit tests: memory store, the workspace above, a 1 ms index lag; `env` overrides. */
export function unitConfig(env: Env = {}, role: ConfigRole = 'sync'): Config {
  return loadConfig(
    {
      NOTION_TOKEN: 'token-for-tests',
      NOTION_AREAS_DATABASE_ID: IDS.areas,
      NOTION_PROJECTS_DATABASE_ID: IDS.projects,
      NOTION_TODOS_DATABASE_ID: IDS.todos,
      STATE_STORE: 'memory',
      NOTION_INDEX_LAG_MS: '1',
      ...env,
    },
    role,
  );
}
