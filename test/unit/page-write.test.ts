import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { refusedProperty, writeProperties } from '../../src/handlers/page-write.js';
import { createLogger } from '../../src/log/logger.js';
import { createNotionApi } from '../../src/notion/client.js';
import { isNotionError } from '../../src/notion/errors.js';
import type { PropertyInput } from '../../src/notion/types.js';
import type { LogLine } from '../support/corpus.js';
import { type NotionSandbox, startNotionSandbox } from '../support/notion-sandbox/index.js';

/*
 * Notion refuses a whole write over one bad property. The sandbox refuses what Notion refuses
 * (an impossible date, more than 100 relation targets or options, text over 2,000 characters);
 * the page is then written without that property, and a WARNING names it.
 */

let sandbox: NotionSandbox;
beforeAll(async () => {
  sandbox = await startNotionSandbox({});
});
afterAll(async () => {
  await sandbox?.close();
});

function notionOn(lines: LogLine[]) {
  const config = loadConfig(
    {
      NOTION_TOKEN: 'secret-token-for-tests',
      NOTION_BASE_URL: sandbox.url,
      NOTION_AREAS_DATABASE_ID: sandbox.databases.areas,
      NOTION_PROJECTS_DATABASE_ID: sandbox.databases.projects,
      NOTION_TODOS_DATABASE_ID: sandbox.databases.todos,
      NOTION_RPS: '1000',
      STATE_STORE: 'memory',
    },
    'sync',
  );
  const logger = createLogger({ sink: (l) => lines.push(JSON.parse(l) as LogLine) });
  return { notion: createNotionApi({ config: config.notion, logger }), logger };
}

const text = (content: string) => [{ type: 'text' as const, text: { content } }];
const good: Record<string, PropertyInput> = {
  Name: { title: text('Renew the passport') },
  'Todoist ID': { rich_text: text('77') },
};

describe('the sandbox refuses what Notion refuses, naming the property', () => {
  it.each([
    ['an impossible date', { Due: { date: { start: '2026-02-30' } } }, 'Due'],
    [
      '101 multi-select options',
      { Labels: { multi_select: Array.from({ length: 101 }, (_, i) => ({ name: `l${i}` })) } },
      'Labels',
    ],
    [
      'a text item of 2,001 characters',
      { Description: { rich_text: text('d'.repeat(2001)) } },
      'Description',
    ],
    [
      '101 relation targets',
      { Area: { relation: Array.from({ length: 101 }, () => ({ id: '0'.repeat(32) })) } },
      'Area',
    ],
  ])('%s → 400 validation_error naming %s', async (_label, bad, name) => {
    const { notion } = notionOn([]);
    const error = await notion
      .createPage(sandbox.databases.todos, { ...good, ...bad })
      .catch((e: unknown) => e);
    expect(isNotionError(error, 'validation_error')).toBe(true);
    expect(refusedProperty(error, [...Object.keys(good), name])).toBe(name);
  });
});

describe('a refused property is dropped, the rest written', () => {
  it('a create with an impossible due date makes the page without it, with one WARNING naming Due', async () => {
    // Prepare
    const lines: LogLine[] = [];
    const { notion, logger } = notionOn(lines);
    const properties = { ...good, Done: { checkbox: true }, Due: { date: { start: '2026-02-30' } } };

    // Act
    const page = await writeProperties({ logger }, { kind: 'todo', key: '77' }, properties, (p) =>
      notion.createPage(sandbox.databases.todos, p),
    );

    // Assess
    const stored = sandbox.pages({ databaseId: sandbox.databases.todos }).find((p) => p.id === page.id);
    expect(stored?.properties['Done']).toMatchObject({ checkbox: true });
    expect(stored?.properties['Due']).toMatchObject({ date: null });
    const warnings = lines.filter((l) => l.severity === 'WARNING');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ property: 'Due', key: '77' });
  });

  it('the identifying Todoist ID is never dropped: that refusal is passed on', async () => {
    const { notion, logger } = notionOn([]);
    const properties = { ...good, 'Todoist ID': { rich_text: text('9'.repeat(2001)) } };
    await expect(
      writeProperties({ logger }, { kind: 'todo', key: '9' }, properties, (p) =>
        notion.createPage(sandbox.databases.todos, p),
      ),
    ).rejects.toMatchObject({ code: 'validation_error' });
  });
});
