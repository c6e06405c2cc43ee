import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { MEMORY_SYNC_ENV } from '../support/memory-env.js';

const SYNC = MEMORY_SYNC_ENV;
const TODOS_SOURCE = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';

describe('NOTION_*_DATA_SOURCE_ID', () => {
  it('a deployment that names its data sources has them in the configuration', () => {
    const c = loadConfig(
      {
        ...SYNC,
        NOTION_TODOS_DATA_SOURCE_ID: TODOS_SOURCE,
        NOTION_AREAS_DATA_SOURCE_ID: ` ${'b'.repeat(32)} `,
      },
      'sync',
    );

    expect(c.notion.dataSources).toEqual({ todos: TODOS_SOURCE, areas: 'b'.repeat(32) });
  });

  it('an empty substitution ("" from cloudbuild) counts as unset', () => {
    const c = loadConfig(
      {
        ...SYNC,
        NOTION_AREAS_DATA_SOURCE_ID: '',
        NOTION_PROJECTS_DATA_SOURCE_ID: '  ',
        NOTION_TODOS_DATA_SOURCE_ID: '',
        NOTION_PEOPLE_DATA_SOURCE_ID: '',
      },
      'sync',
    );

    expect(c.notion.dataSources).toEqual({});
  });

  it.each(['NOTION_AREAS_DATA_SOURCE_ID', 'NOTION_PROJECTS_DATA_SOURCE_ID', 'NOTION_TODOS_DATA_SOURCE_ID'])(
    'a malformed %s is a startup error naming it',
    (variable) => {
      expect(() => loadConfig({ ...SYNC, [variable]: 'collection://todos' }, 'sync')).toThrow(
        new RegExp(
          `^${variable}: expected a Notion data source id \\(32 hex digits, dashes optional\\), but got "collection://todos"$`,
        ),
      );
    },
  );

  it('a data source without its database is a startup error naming both variables', () => {
    expect(() => loadConfig({ ...SYNC, NOTION_PEOPLE_DATA_SOURCE_ID: TODOS_SOURCE }, 'sync')).toThrow(
      /^NOTION_PEOPLE_DATA_SOURCE_ID: expected to be set only with NOTION_PEOPLE_DATABASE_ID/,
    );
  });
});
