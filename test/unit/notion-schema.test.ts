import { describe, expect, it } from 'vitest';
import { isNotionError, NotionError } from '../../src/notion/errors.js';
import { checkSchemas, SCHEMA_SPEC } from '../../src/notion/schema.js';
import type { DatabaseSchema, NotionApi } from '../../src/notion/types.js';

const ids = { areas: 'db-areas', projects: 'db-projects', todos: 'db-todos', people: undefined };

function props(entries: Record<string, string>): DatabaseSchema['properties'] {
  return Object.fromEntries(Object.entries(entries).map(([name, type]) => [name, { id: name, type }]));
}

const full: Record<string, DatabaseSchema> = {
  'db-areas': { databaseId: 'db-areas', title: 'Areas', properties: props({ Name: 'title' }) },
  'db-projects': {
    databaseId: 'db-projects',
    title: 'Projects',
    properties: props({ Name: 'title', 'Todoist ID': 'rich_text', Area: 'relation' }),
  },
  'db-todos': {
    databaseId: 'db-todos',
    title: 'Todos',
    properties: props({
      Name: 'title',
      'Todoist ID': 'rich_text',
      Done: 'checkbox',
      Due: 'date',
      Priority: 'number',
    }),
  },
};

function fakeApi(schemas: Record<string, DatabaseSchema | Error>): NotionApi {
  const fail = () => Promise.reject(new Error('not used'));
  return {
    query: fail,
    queryAll: () => ({ [Symbol.asyncIterator]: () => ({ next: fail }) }),
    createPage: fail,
    updatePage: fail,
    retrievePage: fail,
    schema: async (id) => {
      const s = schemas[id];
      if (!s) throw new Error(`unknown ${id}`);
      if (s instanceof Error) throw s;
      return s;
    },
    stats: () => ({ total: 0, byRoute: {} }),
  };
}

describe('schema check', () => {
  it('lists usable properties, skips optional ones missing or of another type, and notes an unset People database', async () => {
    const report = await checkSchemas(fakeApi(full), ids);
    expect([...(report.available.todos ?? [])].sort()).toEqual(['Done', 'Due', 'Name', 'Todoist ID']);
    expect(report.available.projects?.has('Area')).toBe(true);
    expect(report.skipped).toContainEqual({
      db: 'todos',
      property: 'Priority',
      expected: 'select',
      actual: 'number',
    });
    expect(report.skipped).toContainEqual({ db: 'todos', property: 'Labels', expected: 'multi_select' });
    expect(report.unconfigured).toEqual(['people']);
  });

  it('a missing required property fails naming the database (key, title, id), the property and its type', async () => {
    const broken = { ...full, 'db-todos': { ...full['db-todos']!, properties: props({ Name: 'title' }) } };
    const error = await checkSchemas(fakeApi(broken), ids).catch((e: unknown) => e);
    expect(isNotionError(error, 'schema_invalid')).toBe(true);
    expect((error as Error).message).toContain('todos "Todos" (db-todos)');
    expect((error as Error).message).toContain('"Todoist ID" of type rich_text is missing');
  });

  it('a required property of the wrong type fails too, and a renamed title is pointed out', async () => {
    const broken = {
      ...full,
      'db-projects': {
        databaseId: 'db-projects',
        title: 'Projects',
        properties: props({ Project: 'title', 'Todoist ID': 'number' }),
      },
    };
    const message = String(await checkSchemas(fakeApi(broken), ids).catch((e: Error) => e.message));
    expect(message).toContain('"Todoist ID" has type number, expected rich_text');
    expect(message).toContain('its title property is called "Project"');
  });

  it('a database not shared with the integration is named with a hint', async () => {
    const error = await checkSchemas(
      fakeApi({ ...full, 'db-areas': new NotionError('object_not_found', 'Could not find database') }),
      ids,
    ).catch((e: unknown) => e);
    expect(isNotionError(error, 'object_not_found')).toBe(true);
    expect((error as Error).message).toMatch(/areas \(db-areas\).*share the database with the integration/);
  });

  it('the spec table matches the design: every database requires a Name title', () => {
    for (const specs of Object.values(SCHEMA_SPEC))
      expect(specs).toContainEqual({ property: 'Name', type: 'title', required: true });
  });
});
