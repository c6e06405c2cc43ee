import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { taskEventBody, todoistStamp } from '../../scripts/lib/todoist-payloads.js';
import { startStartupAudit } from '../../src/audit/startup-audit.js';
import { loadConfig } from '../../src/config/index.js';
import type { SyncContext } from '../../src/handlers/context.js';
import { createLogger, silentLogger } from '../../src/log/logger.js';
import { createNotionApi } from '../../src/notion/client.js';
import { richText, title } from '../../src/notion/properties.js';
import { createSyncContext } from '../../src/runtime.js';
import { pushMessage, startFunction } from '../support/functions.js';
import { type NotionSandbox, startNotionSandbox } from '../support/notion-sandbox/index.js';

/** Whether the entry point starts the audit yet (src/index.ts is wired by the lead). */

interface Line {
  severity: string;
  message: string;
  [field: string]: unknown;
}

function envFor(sandbox: NotionSandbox, extra: Record<string, string> = {}): Record<string, string> {
  return {
    NOTION_TOKEN: 'secret-token-for-tests',
    NOTION_BASE_URL: sandbox.url,
    NOTION_AREAS_DATABASE_ID: sandbox.databases.areas,
    NOTION_PROJECTS_DATABASE_ID: sandbox.databases.projects,
    NOTION_TODOS_DATABASE_ID: sandbox.databases.todos,
    NOTION_RPS: '100',
    STATE_STORE: 'firestore',
    STATE_COLLECTION_PREFIX: `a${randomUUID().slice(0, 8)}`,
    FIRESTORE_EMULATOR_HOST: process.env['FIRESTORE_EMULATOR_HOST'] ?? '',
    GOOGLE_CLOUD_PROJECT: process.env['GOOGLE_CLOUD_PROJECT'] ?? 'demo-nts',
    ...extra,
  };
}

/** A sync context as the function builds it at load, logging into `lines`. */
function context(env: Record<string, string>): { ctx: SyncContext; lines: Line[] } {
  const lines: Line[] = [];
  const logger = createLogger({ sink: (l) => lines.push(JSON.parse(l) as Line) });
  return { ctx: createSyncContext(loadConfig(env, 'sync'), logger), lines };
}

describe('start-up duplicate audit', () => {
  let sandbox: NotionSandbox;
  const contexts: SyncContext[] = [];
  const open = (env: Record<string, string>) => {
    const made = context(env);
    contexts.push(made.ctx);
    return made;
  };

  beforeAll(async () => {
    sandbox = await startNotionSandbox({});
  });
  afterAll(async () => {
    await Promise.all(contexts.map((c) => c.store.close()));
    await sandbox.close();
  });
  beforeEach(() => {
    sandbox.reset();
  });

  async function seedAreas(
    names: string[],
    projects: Array<[string, string]> = [],
    todos: Array<[string, string]> = [],
  ) {
    const api = createNotionApi({ config: loadConfig(envFor(sandbox), 'cli').notion, logger: silentLogger });
    for (const name of names) await api.createPage(sandbox.databases.areas, { Name: title(name) });
    for (const [name, id] of projects) {
      await api.createPage(sandbox.databases.projects, { Name: title(name), 'Todoist ID': richText(id) });
    }
    for (const [name, id] of todos)
      await api.createPage(sandbox.databases.todos, { Name: title(name), 'Todoist ID': richText(id) });
  }

  it('logs one ERROR per duplicate group within seconds of start, and an INFO summary', async () => {
    await seedAreas(
      ['Home', 'home ', 'Work', 'WORK', 'work', 'Health'],
      [
        ['Errands', 'p1'],
        ['Errands again', 'p1'],
        ['Other', 'p2'],
      ],
    );
    const { ctx, lines } = open(envFor(sandbox));
    const done = startStartupAudit(ctx);
    // Started in the background: nothing has gone to Notion yet when the call returns.
    expect(ctx.notion.stats().total).toBe(0);
    await vi.waitFor(() => expect(lines.some((l) => l.severity === 'ERROR')).toBe(true), { timeout: 10_000 });
    await done;

    const areaErrors = lines.filter((l) => l.severity === 'ERROR' && l['duplicate_areas'] === true);
    expect(areaErrors.map((l) => l['name']).sort()).toEqual(['Home', 'Work']);
    const work = areaErrors.find((l) => l['name'] === 'Work');
    const pages = work?.['pages'] as Array<{ id: string; created_time: string }>;
    expect(pages).toHaveLength(3);
    for (const p of pages) expect(p.created_time).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(work?.['fix']).toContain('cleanup-duplicate-areas');

    const projectErrors = lines.filter((l) => l.severity === 'ERROR' && l['duplicate_projects'] === true);
    expect(projectErrors.map((l) => l['todoist_id'])).toEqual(['p1']);
    expect(projectErrors[0]?.['fix']).toContain('--kind projects');

    const summary = lines.filter((l) => l.severity === 'INFO' && l['audit'] === true);
    expect(summary).toHaveLength(1);
    expect(summary[0]).toMatchObject({ groups: 3, pages: 7 });
  });

  it('logs no ERROR on a clean workspace, only the INFO summary', async () => {
    await seedAreas(['Home', 'Work'], [['Errands', 'p1']]);
    const { ctx, lines } = open(envFor(sandbox));
    expect(await startStartupAudit(ctx)).toMatchObject({ groups: 0, pages: 0 });
    expect(lines.filter((l) => l.severity === 'ERROR' || l.severity === 'WARNING')).toEqual([]);
    expect(lines.filter((l) => l.severity === 'INFO' && l['audit'] === true)).toHaveLength(1);
  });

  it('audits Todos by Todoist ID only when asked', async () => {
    await seedAreas(
      [],
      [],
      [
        ['Buy milk', 't1'],
        ['Buy milk', 't1'],
        ['Call mum', 't2'],
      ],
    );
    const first = open(envFor(sandbox));
    await startStartupAudit(first.ctx);
    expect(first.lines.filter((l) => l['duplicate_todos'] === true)).toEqual([]);
    const second = open(envFor(sandbox));
    await startStartupAudit(second.ctx, { kinds: ['todo'] });
    const todoErrors = second.lines.filter((l) => l.severity === 'ERROR' && l['duplicate_todos'] === true);
    expect(todoErrors.map((l) => l['todoist_id'])).toEqual(['t1']);
  });

  it('a failing audit is a WARNING and never throws', async () => {
    const { ctx, lines } = open(
      envFor(sandbox, { NOTION_AREAS_DATABASE_ID: '0123456789abcdef0123456789abcdef' }),
    );
    const summary = await startStartupAudit(ctx);
    expect(summary?.failed).toEqual(['area']);
    expect(lines.some((l) => l.severity === 'WARNING' && l['kind'] === 'area')).toBe(true);
    expect(lines.some((l) => l.severity === 'ERROR')).toBe(false);
  });

  it('the deployed function logs the ERROR once its first event is handled, never before', async () => {
    await seedAreas(['Garden', 'garden ']);
    const seeded = sandbox.counts().total;
    const fn = await startFunction('syncTodoistEvent', envFor(sandbox));
    try {
      // Nothing goes to Notion before an event asks for it: the audit waits for the first one.
      await new Promise((r) => setTimeout(r, 500));
      expect(sandbox.counts().total).toBe(seeded);
      const body = taskEventBody('item:added', {
        id: 'auditFirst1',
        content: 'First task after a deploy',
        updated_at: todoistStamp(Date.parse('2026-11-02T08:00:00Z')),
      });
      expect(await pushMessage(fn.url, { body, attributes: { deliveryId: 'a1' }, messageId: 'a1' })).toBe(
        204,
      );
      await vi.waitFor(
        () => {
          const line = fn.lines.find((l) => l.includes('"duplicate_areas":true'));
          expect(line).toBeDefined();
          expect(JSON.parse(line ?? '{}')).toMatchObject({ severity: 'ERROR', name: 'Garden' });
        },
        { timeout: 15_000, interval: 100 },
      );
    } finally {
      await fn.kill();
    }
  });

  it('is skipped when AUDIT_ON_START=false', async () => {
    const { ctx } = open(envFor(sandbox, { AUDIT_ON_START: 'false' }));
    expect(await startStartupAudit(ctx)).toBeUndefined();
    expect(ctx.notion.stats().total).toBe(0);
  });
});
