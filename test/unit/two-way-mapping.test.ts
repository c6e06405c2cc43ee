import { describe, expect, it } from 'vitest';
import { decideFields } from '../../src/mapping/field-decisions.js';
import { fieldEquals, fieldInput, type PageFields, readPageFields } from '../../src/mapping/page-fields.js';
import {
  commandsFor,
  mergeLabels,
  todoistPriority,
  uuidFromHex,
} from '../../src/mapping/todoist-commands.js';
import { notionDueToTodoist } from '../../src/todoist/due-from-notion.js';

const A = '11111111-1111-4111-8111-111111111111';
const B = '22222222-2222-4222-8222-222222222222';

/** A page as Notion returns it (response shape). */
const pageProperties = {
  Name: {
    id: 'title',
    type: 'title',
    title: [{ type: 'text', plain_text: 'Buy milk', text: { content: 'Buy milk' } }],
  },
  Done: { id: 'a', type: 'checkbox', checkbox: true },
  Due: { id: 'b', type: 'date', date: { start: '2026-12-01', end: null, time_zone: null } },
  Priority: { id: 'c', type: 'select', select: { name: 'P2' } },
  Labels: { id: 'd', type: 'multi_select', multi_select: [{ name: 'shop' }] },
  Area: { id: 'e', type: 'relation', relation: [{ id: A }] },
  Description: { id: 'f', type: 'rich_text', rich_text: [] },
  Project: { id: 'g', type: 'relation', relation: [{ id: B }] },
  'Todoist ID': { id: 'h', type: 'rich_text', rich_text: [{ plain_text: '42' }] },
};

const fields: PageFields = {
  name: 'Buy milk',
  done: true,
  due: { start: '2026-12-01', timeZone: null },
  priority: 'P2',
  labels: ['shop'],
  areas: [A],
  description: '',
  project: B,
  parent: null,
};

describe('Notion page → Todoist fields (reverse mapping)', () => {
  it('reads a page as Notion returns it, leaving out properties the database lacks', () => {
    const { parent: _none, ...expected } = fields;
    expect(readPageFields(pageProperties)).toEqual(expected);
  });

  it('reads what we wrote (request shapes) to the same fields, so a stored state compares with a page', () => {
    const written = Object.fromEntries(
      (Object.keys(fields) as Array<keyof PageFields>).map((f) => [
        {
          name: 'Name',
          done: 'Done',
          due: 'Due',
          priority: 'Priority',
          labels: 'Labels',
          areas: 'Area',
          description: 'Description',
          project: 'Project',
          parent: 'Parent',
        }[f],
        fieldInput(f, fields[f] as never),
      ]),
    );
    expect(readPageFields(written)).toEqual(fields);
  });

  it.each([
    [
      'due',
      { start: '2026-12-01T10:00:00', timeZone: 'Europe/Berlin' },
      { start: '2026-12-01T09:00:00.000Z', timeZone: null },
      true,
    ],
    [
      'due',
      { start: '2026-12-01T10:00:00.000+01:00', timeZone: null },
      { start: '2026-12-01T09:00:00Z', timeZone: null },
      true,
    ],
    ['due', { start: '2026-12-01', timeZone: null }, { start: '2026-12-02', timeZone: null }, false],
    ['due', null, { start: '2026-12-02', timeZone: null }, false],
    ['labels', ['a', 'b'], ['b', 'a'], true],
    ['areas', [A], [A.replace(/-/g, '')], true],
    ['project', A, B, false],
    ['name', 'Buy milk ', 'Buy milk', true],
  ] as const)('%s: %j and %j are equal: %s', (field, a, b, same) => {
    expect(fieldEquals(field, a as never, b as never)).toBe(same);
  });
});

describe('which side wins a field', () => {
  const base = { applied: fields, desired: fields, notionAt: 2_000, todoistAt: 1_000 };

  it('a page that shows what we last wrote decides nothing (our own echo)', () => {
    expect(decideFields({ ...base, page: fields })).toEqual({ send: {}, seen: {}, conflicts: [] });
  });

  it('a field changed in Notion only is sent; fields changed in Todoist only are left to Todoist', () => {
    const page = { ...fields, name: 'Buy oat milk' };
    const desired = { ...fields, priority: 'P1' as const };
    const d = decideFields({ ...base, page, desired });
    expect(d.send).toEqual({ name: 'Buy oat milk' });
    expect(d.conflicts).toEqual([]);
  });

  it.each([
    ['Notion edited later', 3_000, 1_000, 'notion', { name: 'From Notion' }],
    ['Todoist edited later', 1_000, 3_000, 'todoist', {}],
    ['a tie', 2_000, 2_000, 'todoist', {}],
    ['an unknown Todoist time', 2_000, undefined, 'todoist', {}],
  ] as const)('both changed the name, %s → %s wins', (_case, notionAt, todoistAt, winner, send) => {
    const d = decideFields({
      page: { ...fields, name: 'From Notion' },
      applied: fields,
      desired: { ...fields, name: 'From Todoist' },
      notionAt,
      todoistAt,
    });
    expect(d.conflicts).toEqual([{ field: 'name', notion: 'From Notion', todoist: 'From Todoist', winner }]);
    expect(d.send).toEqual(send);
    expect(d.seen).toEqual({ name: 'From Notion' });
  });

  it('both sides made the same change: nothing to send, no conflict', () => {
    const d = decideFields({
      ...base,
      page: { ...fields, done: false },
      desired: { ...fields, done: false },
    });
    expect(d).toEqual({ send: {}, seen: { done: false }, conflicts: [] });
  });
});

describe('Todoist sync commands for a Notion edit', () => {
  const uuidFor = (key: string) => `uuid-${key}`;

  it('one command per field, reopen first and completion last, uuids per field', () => {
    const commands = commandsFor(
      { done: true, name: 'Buy oat milk', priority: 'P1', labels: ['shop'], project: A },
      { taskId: '42', currentDue: null, labels: ['shop', 'area:Home'], projectId: '900', uuidFor },
    );
    expect(commands).toEqual([
      { type: 'item_update', uuid: 'uuid-name', args: { id: '42', content: 'Buy oat milk' } },
      { type: 'item_update', uuid: 'uuid-priority', args: { id: '42', priority: 4 } },
      { type: 'item_update', uuid: 'uuid-labels', args: { id: '42', labels: ['shop', 'area:Home'] } },
      { type: 'item_move', uuid: 'uuid-project', args: { id: '42', project_id: '900' } },
      { type: 'item_close', uuid: 'uuid-done', args: { id: '42' } },
    ]);
    expect(commandsFor({ done: false }, { taskId: '42', currentDue: null, uuidFor })[0]?.type).toBe(
      'item_uncomplete',
    );
  });

  it('a parent removed in Notion moves the task back to its project', () => {
    const commands = commandsFor(
      { parent: null },
      { taskId: '42', currentDue: null, homeProjectId: '900', uuidFor },
    );
    expect(commands).toEqual([
      { type: 'item_move', uuid: 'uuid-parent', args: { id: '42', project_id: '900' } },
    ]);
  });

  it.each([
    ['a date', { start: '2026-12-05', timeZone: null }, null, { date: '2026-12-05' }],
    [
      'a floating time',
      { start: '2026-12-05T09:30:00', timeZone: null },
      null,
      { date: '2026-12-05T09:30:00' },
    ],
    [
      'a time in a zone',
      { start: '2026-12-05T10:00:00', timeZone: 'Europe/Berlin' },
      null,
      { date: '2026-12-05T09:00:00Z', timezone: 'Europe/Berlin' },
    ],
    [
      'a date on a recurring task (keeps the recurrence)',
      { start: '2026-12-07', timeZone: null },
      {
        date: '2026-12-01',
        string: 'every monday',
        is_recurring: true,
        timezone: null,
        datetime: null,
        lang: 'en',
      },
      { date: '2026-12-07', string: 'every monday', is_recurring: true, lang: 'en' },
    ],
    ['no date', null, null, null],
  ] as const)('Due: %s', (_case, due, current, expected) => {
    expect(notionDueToTodoist(due, current as never)).toEqual(expected);
  });

  it('priorities, labels and uuids', () => {
    expect(['P1', 'P2', 'P3', 'P4', null].map(todoistPriority)).toEqual([4, 3, 2, 1, 1]);
    expect(mergeLabels(['a', 'b'], ['Home'], 'area:')).toEqual(['a', 'b', 'area:Home']);
    expect(uuidFromHex('0123456789abcdef0123456789abcdef')).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });
});
