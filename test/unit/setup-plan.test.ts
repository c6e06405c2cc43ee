import { describe, expect, it } from 'vitest';
import { SCHEMA_SPEC } from '../../src/notion/schema.js';
import type { DatabaseKey } from '../../src/notion/types.js';
import { databaseIdsInEnvText, mergeEnvText } from '../../src/setup/env-file.js';
import { propertyConfig } from '../../src/setup/notion-setup.js';
import { parsePageId } from '../../src/setup/page-id.js';
import { type CurrentDatabase, planSetup } from '../../src/setup/plan.js';
import { envLines } from '../../src/setup/report.js';
import { wantedProperties } from '../../src/setup/workspace-spec.js';

/** A database holding every contract property, minus `without`, with `changed` types. */
function complete(
  db: DatabaseKey,
  without: string[] = [],
  changed: Record<string, string> = {},
): CurrentDatabase {
  const properties: Record<string, { type: string }> = {};
  for (const p of SCHEMA_SPEC[db])
    if (!without.includes(p.property)) properties[p.property] = { type: p.type };
  for (const [name, type] of Object.entries(changed)) properties[name] = { type };
  return { id: `${db}-id`, title: db, properties };
}

const all = (): Record<DatabaseKey, CurrentDatabase> => ({
  areas: complete('areas'),
  projects: complete('projects'),
  todos: complete('todos'),
  people: complete('people'),
});

describe('setup plan', () => {
  it('an empty page: every database created, targets first; the self relation added after its database exists', () => {
    const plan = planSetup({}, true);
    expect(plan.steps.map((s) => `${s.kind} ${s.db}`)).toEqual([
      'create areas',
      'create people',
      'create projects',
      'create todos',
      'add todos',
    ]);
    const todos = plan.steps[3];
    expect(todos?.properties.map((p) => p.name)).not.toContain('Parent');
    expect(plan.steps[4]?.properties.map((p) => p.name)).toEqual(['Parent']);
    expect(plan.conflicts).toEqual([]);
  });

  it('a complete workspace: nothing to do', () => {
    expect(planSetup(all(), true)).toEqual({ steps: [], conflicts: [], skipped: [], absent: [] });
  });

  it('missing optional properties: exactly those are added', () => {
    const current = { ...all(), todos: complete('todos', ['Section', 'Parent']) };
    expect(planSetup(current, false).steps).toEqual([
      {
        kind: 'add',
        db: 'todos',
        properties: [
          { name: 'Parent', type: 'relation', required: false, relation: 'todos' },
          { name: 'Section', type: 'select', required: false },
        ],
      },
    ]);
  });

  it('a property of another type is a conflict, never a change; a differently named title too', () => {
    const current = {
      ...all(),
      todos: complete('todos', [], { Due: 'rich_text' }),
      areas: { id: 'a', title: 'Areas', properties: { Title: { type: 'title' } } },
    };
    const plan = planSetup(current, true);
    expect(plan.steps).toEqual([]);
    expect(plan.conflicts).toEqual([
      {
        db: 'areas',
        property: 'Name',
        expected: 'title',
        actual: 'missing (the title property is "Title")',
        required: true,
      },
      { db: 'todos', property: 'Due', expected: 'date', actual: 'rich_text', required: false },
    ]);
  });

  it('without a parent page: unconfigured databases are reported, relations to them skipped', () => {
    const { people: _people, ...rest } = all();
    const plan = planSetup({ ...rest, todos: complete('todos', ['Assignee']) }, false);
    expect(plan.absent).toEqual(['people']);
    expect(plan.skipped).toEqual([{ db: 'todos', property: 'Assignee', target: 'people' }]);
    expect(plan.steps).toEqual([]);
  });

  it('every relation of the schema table has a target database', () => {
    for (const db of Object.keys(SCHEMA_SPEC) as DatabaseKey[])
      for (const p of wantedProperties(db)) if (p.type === 'relation') expect(p.relation).toBeDefined();
  });
});

describe('setup request bodies', () => {
  const relation = { name: 'Area', type: 'relation', required: false, relation: 'areas' as const };
  it.each([
    ['2022-06-28', { relation: { database_id: 'db', type: 'single_property', single_property: {} } }],
    ['2025-09-03', { relation: { data_source_id: 'ds', type: 'single_property', single_property: {} } }],
    ['2026-03-11', { relation: { data_source_id: 'ds', type: 'single_property', single_property: {} } }],
  ] as const)('%s: a relation names what the version addresses', (version, expected) => {
    expect(propertyConfig(relation, version, { id: 'db', dataSourceId: 'ds' })).toEqual(expected);
  });

  it('a select carries its options; a plain type an empty object', () => {
    const [priority] = wantedProperties('todos').filter((p) => p.name === 'Priority');
    expect(priority && propertyConfig(priority, '2025-09-03')).toEqual({
      select: { options: [{ name: 'P1' }, { name: 'P2' }, { name: 'P3' }, { name: 'P4' }] },
    });
    expect(propertyConfig({ name: 'Done', type: 'checkbox', required: false }, '2025-09-03')).toEqual({
      checkbox: {},
    });
  });
});

describe('what a user pastes', () => {
  it.each([
    ['0123456789abcdef0123456789abcdef', '01234567-89ab-cdef-0123-456789abcdef'],
    ['01234567-89ab-cdef-0123-456789abcdef', '01234567-89ab-cdef-0123-456789abcdef'],
    [
      'https://www.notion.so/My-Sync-Home-0123456789ABCDEF0123456789abcdef?pvs=4',
      '01234567-89ab-cdef-0123-456789abcdef',
    ],
    ['https://www.notion.so/team/0123456789abcdef0123456789abcdef', '01234567-89ab-cdef-0123-456789abcdef'],
    ['my page', undefined],
    ['https://www.notion.so/', undefined],
  ])('%s → %s', (text, id) => {
    expect(parsePageId(text)).toBe(id);
  });

  it('an env file keeps its other lines and replaces the named ones in place', () => {
    const before = '# notes\nexport NOTION_TODOS_DATABASE_ID=old\nLOG_LEVEL=DEBUG';
    expect(mergeEnvText(before, { NOTION_TODOS_DATABASE_ID: 'new', NOTION_AREAS_DATABASE_ID: 'a' })).toBe(
      '# notes\nNOTION_TODOS_DATABASE_ID=new\nLOG_LEVEL=DEBUG\nNOTION_AREAS_DATABASE_ID=a\n',
    );
    expect(mergeEnvText('', { A: '1' })).toBe('A=1\n');
  });

  it('setup prints each data source id beside its database id, ready for the env file', () => {
    const lines = envLines({
      todos: { id: 'todos-db', dataSourceId: 'todos-ds' },
      areas: { id: 'areas-db', dataSourceId: 'areas-ds' },
      people: { id: 'people-db' },
    });

    expect(lines).toEqual([
      'NOTION_AREAS_DATABASE_ID=areas-db',
      'NOTION_AREAS_DATA_SOURCE_ID=areas-ds',
      'NOTION_PEOPLE_DATABASE_ID=people-db',
      'NOTION_TODOS_DATABASE_ID=todos-db',
      'NOTION_TODOS_DATA_SOURCE_ID=todos-ds',
    ]);
    const file = mergeEnvText('# mine\nNOTION_TODOS_DATA_SOURCE_ID=stale\nLOG_LEVEL=DEBUG\n', {
      NOTION_TODOS_DATA_SOURCE_ID: 'todos-ds',
    });
    expect(file).toBe('# mine\nNOTION_TODOS_DATA_SOURCE_ID=todos-ds\nLOG_LEVEL=DEBUG\n');
  });

  it('the database ids a previous run wrote are read back; placeholders and other lines are not', () => {
    const id = '0123456789abcdef0123456789abcdef';
    const text = `# x\nNOTION_TODOS_DATABASE_ID="${id}"\nexport NOTION_AREAS_DATABASE_ID=${id} # mine\nNOTION_PEOPLE_DATABASE_ID=...\nNOTION_TOKEN=secret\n`;
    expect(databaseIdsInEnvText(text)).toEqual({
      NOTION_TODOS_DATABASE_ID: id,
      NOTION_AREAS_DATABASE_ID: id,
    });
  });
});
