/** A Notion-compatible HTTP server for tests, the demo and the benchmark. */

export type { DbKey } from './schema.js';
export {
  type NotionSandbox,
  type SandboxCounts,
  type SandboxFaults,
  type SandboxOptions,
  type SandboxPage,
  startNotionSandbox,
} from './server.js';
