import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryStore } from '../../src/state/memory.js';
import { corpusFile, corpusInstance, deliverRaw, type LogLine, todoView } from '../support/corpus.js';
import { type NotionSandbox, startNotionSandbox } from '../support/notion-sandbox/index.js';

/*
 * A cold instance's first event, a new task in a new Area and a new project, with and without the
 * data source ids setup-notion prints: the same pages either way, and no database read to find a
 * data source when they are configured.
 */

let sandbox: NotionSandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function firstEvent(configured: boolean) {
  sandbox = await startNotionSandbox({});
  const env: Record<string, string> = configured
    ? {
        NOTION_AREAS_DATA_SOURCE_ID: sandbox.dataSources.areas,
        NOTION_PROJECTS_DATA_SOURCE_ID: sandbox.dataSources.projects,
        NOTION_TODOS_DATA_SOURCE_ID: sandbox.dataSources.todos,
      }
    : {};
  const lines: LogLine[] = [];
  const ctx = corpusInstance(sandbox, createMemoryStore(), lines, { AUDIT_ON_START: 'false', ...env });
  const body = corpusFile('events', '05-item-added.json');
  const outcome = await deliverRaw(ctx, JSON.stringify(body));
  const routes = sandbox.counts().byRoute;
  const pages = {
    areas: sandbox.pages({ databaseId: sandbox.databases.areas }).length,
    projects: sandbox.pages({ databaseId: sandbox.databases.projects }).length,
  };
  const view = todoView(sandbox, String((body['event_data'] as { id: string }).id));
  const todo = view && { name: view.Name, count: view.count, areas: view.Area.length };
  await sandbox.close();
  sandbox = undefined;
  return {
    outcome,
    routes,
    pages: { ...pages, todo },
    problems: lines.filter((l) => l.severity !== 'INFO' && l.severity !== 'DEBUG'),
  };
}

describe('a cold instance with its data sources configured', () => {
  it('makes the same pages as one without, and reads no database to find a data source', async () => {
    const unset = await firstEvent(false);
    const configured = await firstEvent(true);

    expect(configured.outcome).toBe('applied');
    expect(configured.pages).toEqual({
      areas: 1,
      projects: 1,
      todo: { name: 'Book the boiler service', count: 1, areas: 1 },
    });
    expect(configured.pages).toEqual(unset.pages);
    expect(configured.problems).toEqual([]);
    expect(configured.routes['GET /v1/databases/:id']).toBeUndefined();
    // Without them each database the event touches is read first: Areas, Projects and Todos.
    expect(unset.routes['GET /v1/databases/:id']).toBe(3);
    // With them, one data source read per database: the schema of Projects and Todos, and the
    // check of Areas (whose schema this event does not need), sent beside its look-up.
    expect(configured.routes['GET /v1/data_sources/:id']).toBe(3);
    const total = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);
    expect(total(configured.routes)).toBe(total(unset.routes) - 2);
  });
});
