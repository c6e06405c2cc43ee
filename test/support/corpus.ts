import { readdirSync, readFileSync } from 'node:fs';
import { loadConfig } from '../../src/config/index.js';
import type { SyncContext } from '../../src/handlers/context.js';
import { handleMessage } from '../../src/handlers/handle-message.js';
import { createLogger } from '../../src/log/logger.js';
import { createSyncContext } from '../../src/runtime.js';
import type { StateStore } from '../../src/state/store.js';
import type { NotionSandbox, SandboxPage } from './notion-sandbox/index.js';

/** The project's corpora of webhook bodies: one per event (`events/`) and odd inputs (`odd/`). */
export const CORPUS = new URL('../fixtures/', import.meta.url);

/** File names of one corpus folder, sorted. */
export function corpusFiles(folder: 'events' | 'odd'): string[] {
  return readdirSync(new URL(`${folder}/`, CORPUS))
    .filter((n) => n.endsWith('.json'))
    .sort();
}

/** One corpus file, parsed. */
export function corpusFile<T = Record<string, unknown>>(folder: 'events' | 'odd', name: string): T {
  return JSON.parse(readFileSync(new URL(`${folder}/${name}`, CORPUS), 'utf8')) as T;
}

export type LogLine = { severity: string; message: string } & Record<string, unknown>;

/** The environment of a sync instance (or CLI) on the sandbox; `env` adds or overrides. */
export function sandboxEnv(sandbox: NotionSandbox, env: Record<string, string> = {}): Record<string, string> {
  return {
    NOTION_TOKEN: 'secret-token-for-tests',
    NOTION_BASE_URL: sandbox.url,
    NOTION_AREAS_DATABASE_ID: sandbox.databases.areas,
    NOTION_PROJECTS_DATABASE_ID: sandbox.databases.projects,
    NOTION_TODOS_DATABASE_ID: sandbox.databases.todos,
    NOTION_RPS: '1000',
    NOTION_CONCURRENCY: '16',
    NOTION_INDEX_LAG_MS: '1',
    NOTION_TIMEOUT_MS: '8000',
    STATE_STORE: 'memory',
    ...env,
  };
}

/** A sync instance on the sandbox and `store`, its log lines collected in `lines`. */
export function corpusInstance(
  sandbox: NotionSandbox,
  store: StateStore,
  lines: LogLine[],
  env: Record<string, string> = {},
): SyncContext {
  const config = loadConfig(sandboxEnv(sandbox, env), 'sync');
  const logger = createLogger({ sink: (line) => lines.push(JSON.parse(line) as LogLine) });
  return createSyncContext(config, logger, { store });
}

let serial = 0;
/** Delivers one webhook body (raw text) as Pub/Sub would. */
export function deliverRaw(ctx: SyncContext, body: string) {
  serial++;
  return handleMessage(ctx, {
    body: Buffer.from(body),
    attributes: { deliveryId: `corpus-${serial}` },
    messageId: `m-${serial}`,
  });
}

const plain = (items: unknown) =>
  ((items as Array<{ plain_text?: string }> | undefined) ?? []).map((i) => i.plain_text ?? '').join('');

/** A Todo page as a reader sees it, by Todoist ID (undefined: no live page). */
export function todoView(sandbox: NotionSandbox, taskId: string) {
  const live = sandbox
    .pages({ databaseId: sandbox.databases.todos })
    .filter(
      (p: SandboxPage) => plain((p.properties['Todoist ID'] as { rich_text?: unknown }).rich_text) === taskId,
    );
  const page = live[0];
  if (!page) return undefined;
  const p = page.properties as Record<string, Record<string, unknown>>;
  return {
    count: live.length,
    page,
    Name: plain(p['Name']?.['title']),
    Done: p['Done']?.['checkbox'] as boolean,
    Due: ((p['Due']?.['date'] as { start?: string } | null) ?? null)?.start ?? null,
    Priority: ((p['Priority']?.['select'] as { name?: string } | null) ?? null)?.name ?? null,
    Labels: ((p['Labels']?.['multi_select'] as Array<{ name: string }>) ?? []).map((o) => o.name),
    Area: ((p['Area']?.['relation'] as Array<{ id: string }>) ?? []).map((r) => r.id),
    Description: plain(p['Description']?.['rich_text']),
    Deadline: ((p['Deadline']?.['date'] as { start?: string } | null) ?? null)?.start ?? null,
    Duration: (p['Duration']?.['number'] as number | null | undefined) ?? null,
  };
}
