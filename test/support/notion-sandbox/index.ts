/** A Notion-compatible HTTP server for tests, the demo and the benchmark (see README.md in this folder). */

export { DATABASE_KEYS, DEFAULT_SCHEMA, TITLES } from './schema.js';
export { startNotionSandbox } from './server.js';
export type {
  DatabaseKey,
  DbKey,
  NotionSandbox,
  PropertySpec,
  PropertyType,
  SandboxCounts,
  SandboxDatabase,
  SandboxFaults,
  SandboxOptions,
  SandboxPage,
} from './types.js';
