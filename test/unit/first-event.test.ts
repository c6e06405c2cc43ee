import type { CloudEvent } from '@google-cloud/functions-framework';
import { describe, expect, it, vi } from 'vitest';
import type { Env } from '../../src/config/index.js';
import { eventNameOf, schemasFor } from '../../src/functions/first-event.js';
import { createSyncFunction } from '../../src/functions/sync-function.js';
import { createLogger } from '../../src/log/logger.js';
import { title } from '../../src/notion/properties.js';
import type { NotionApi } from '../../src/notion/types.js';
import { createMemoryStore } from '../../src/state/memory.js';
import { fixtureJson } from '../support/todoist-fake/fixtures.js';
import { fakeWorkspace, IDS, unitConfig } from '../support/unit-context.js';

interface Line {
  severity: string;
  message: string;
  [field: string]: unknown;
}

/** A new task in Area "House" (the fixture), under another task id when asked. */
function newTaskEvent(taskId: string, id = taskId): CloudEvent<unknown> {
  const body = fixtureJson('item-added.v1-shape.json');
  body.event_data['id'] = taskId;
  const data = Buffer.from(JSON.stringify(body)).toString('base64');
  return {
    id,
    data: { message: { data, attributes: { deliveryId: id }, messageId: id } },
  } as CloudEvent<unknown>;
}

/** A fresh sync instance over an in-memory Notion whose schema reads are counted by database id. */
function instance(env: Env = {}) {
  const workspace = fakeWorkspace();
  const schemaReads: string[] = [];
  const notion: NotionApi = {
    ...workspace.api,
    schema: (databaseId) => {
      schemaReads.push(databaseId);
      return workspace.api.schema(databaseId);
    },
  };
  const lines: Line[] = [];
  const logger = createLogger({ sink: (l) => lines.push(JSON.parse(l) as Line) });
  const handle = createSyncFunction(unitConfig(env), logger, { store: createMemoryStore(), notion });
  return { handle, workspace, schemaReads, lines };
}

const settle = () => new Promise((r) => setTimeout(r, 20));
const auditSummaries = (lines: Line[]) => lines.filter((l) => l['audit'] === true && l.severity === 'INFO');

describe('the first event after a cold start', () => {
  it('a new instance sends nothing to Notion before its first event', async () => {
    const { workspace, schemaReads } = instance();
    await settle();
    expect(workspace.api.stats().total).toBe(0);
    expect(schemaReads).toEqual([]);
  });

  it('two first events arriving at once read the Todos schema once, and no database they do not use', async () => {
    const { handle, schemaReads } = instance({ AUDIT_ON_START: 'false' });
    await Promise.all([handle(newTaskEvent('task-one')), handle(newTaskEvent('task-two'))]);
    // Todos for the pages, Projects for the one project page; Areas are only queried and created.
    expect(schemaReads.filter((id) => id === IDS.todos)).toHaveLength(1);
    expect(schemaReads.filter((id) => id === IDS.projects)).toHaveLength(1);
    expect(schemaReads).not.toContain(IDS.areas);
  });

  it('the audit waits for the first event: that event makes the same Notion requests with the audit on or off', async () => {
    const audited = instance();
    const plain = instance({ AUDIT_ON_START: 'false' });
    // The event arrives a little after start-up, as on a real cold start.
    await settle();
    await audited.handle(newTaskEvent('task-one'));
    await plain.handle(newTaskEvent('task-one'));
    expect(audited.workspace.api.stats()).toEqual(plain.workspace.api.stats());
    expect(auditSummaries(audited.lines)).toEqual([]);
  });

  it('the audit still runs once per instance after the first event and logs duplicate Areas', async () => {
    const { handle, workspace, lines } = instance();
    await workspace.api.createPage(IDS.areas, { Name: title('Garden') });
    await workspace.api.createPage(IDS.areas, { Name: title('garden ') });
    await handle(newTaskEvent('task-one'));
    await vi.waitFor(() => expect(auditSummaries(lines)).toHaveLength(1));
    await handle(newTaskEvent('task-two'));
    await settle();
    expect(auditSummaries(lines)).toHaveLength(1);
    const errors = lines.filter((l) => l.severity === 'ERROR' && l['duplicate_areas'] === true);
    expect(errors.map((l) => l['name'])).toEqual(['Garden']);
  });

  it('a first event that fails still starts the audit', async () => {
    const { handle, lines } = instance({ NOTION_TODOS_DATABASE_ID: '44444444444444444444444444444444' });
    await expect(handle(newTaskEvent('task-one'))).rejects.toBeDefined();
    await vi.waitFor(() => expect(auditSummaries(lines)).toHaveLength(1));
  });
});

describe('which schemas an event reads first', () => {
  it.each([
    ['item:added', ['todos']],
    ['item:updated', ['todos']],
    ['item:completed', ['todos']],
    ['item:deleted', []],
    ['section:updated', ['todos']],
    ['section:added', []],
    ['project:added', ['projects']],
    ['project:archived', []],
    ['note:added', []],
    ['label:added', []],
    [undefined, []],
  ])('%s → %j', (eventName, databases) => {
    expect(schemasFor(eventName)).toEqual(databases);
  });

  it('takes the event name from the attribute, else from the body', () => {
    const body = Buffer.from('{"event_name":"item:added"}');
    expect(eventNameOf({ body, attributes: {}, messageId: 'm' })).toBe('item:added');
    expect(eventNameOf({ body, attributes: { eventName: 'note:added' }, messageId: 'm' })).toBe('note:added');
    expect(eventNameOf({ body: Buffer.from('not json'), attributes: {}, messageId: 'm' })).toBeUndefined();
  });
});
