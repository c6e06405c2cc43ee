import { describe, expect, it } from 'vitest';
import { canonicalJson, contentHash } from '../../src/exactly-once/content-hash.js';
import {
  optionName,
  plainTitle,
  priorityName,
  type TodoFields,
  taskToTodo,
  todoToProperties,
} from '../../src/mapping/task-properties.js';
import { textItems } from '../../src/notion/properties.js';
import { parseWebhookBody, type TaskEvent } from '../../src/todoist/payload.js';
import type { TodoistTask } from '../../src/todoist/schemas.js';
import { fixtureBytes } from '../support/todoist-fake/fixtures.js';

const PREFIX = { areaLabelPrefix: 'area:' };
const ALL = new Set([
  'Name',
  'Todoist ID',
  'Done',
  'Due',
  'Priority',
  'Labels',
  'Description',
  'Area',
  'Project',
  'Assignee',
  'Parent',
  'Section',
  'Todoist URL',
]);

function fixtureEvent(file: string): TaskEvent {
  const event = parseWebhookBody(fixtureBytes(file));
  if (event.kind !== 'task') throw new Error(`${file} is not a task event`);
  return event;
}

function taskWith(overrides: Record<string, unknown>): TodoistTask {
  const base = JSON.parse(fixtureBytes('item-added.v1-shape.json').toString('utf8')) as Record<
    string,
    unknown
  >;
  const event = parseWebhookBody(
    JSON.stringify({ ...base, event_data: { ...(base['event_data'] as object), ...overrides } }),
  );
  if (event.kind !== 'task') throw new Error('not a task');
  return event.task;
}

const bulb: TodoFields = {
  name: 'Replace the hallway bulb',
  todoistId: '6cVp3Xq8RwJm2HtD',
  done: false,
  due: null,
  deadline: null,
  durationMinutes: null,
  priority: 'P4',
  labels: ['quick'],
  areaNames: ['House'],
  description: '',
  url: 'https://app.todoist.com/app/task/6cVp3Xq8RwJm2HtD',
  projectId: '6cVp2Lk7NzQf9BsW',
  parentId: null,
  sectionId: null,
  responsibleUid: null,
  ownerUid: '5120884',
};

describe('taskToTodo on every task fixture, every field', () => {
  it.each<[string, TodoFields]>([
    ['item-added.json', bulb],
    ['item-added.v1-shape.json', bulb],
    ['item-completed.json', { ...bulb, done: true }],
    ['item-uncompleted.json', bulb],
    ['item-deleted.json', bulb],
    [
      'item-updated.json',
      {
        ...bulb,
        name: 'Replace both hallway bulbs',
        due: { start: '2025-02-13', timeZone: null },
        priority: 'P2',
      },
    ],
    [
      'item-updated.recurring-completed.json',
      {
        ...bulb,
        name: 'Water the herbs',
        todoistId: '6cVp4Ym9SxKn3JuE',
        due: { start: '2025-02-14', timeZone: null },
        priority: 'P3',
        url: 'https://app.todoist.com/app/task/6cVp4Ym9SxKn3JuE',
      },
    ],
  ])('%s', (file, expected) => {
    const event = fixtureEvent(file);
    expect(taskToTodo(event.task, { ...PREFIX, updateIntent: event.updateIntent })).toEqual(expected);
  });

  it('a recurring completion stays open even if the task says checked', () => {
    const task = taskWith({
      checked: true,
      due: { date: '2025-02-17', is_recurring: true, string: 'every monday' },
    });
    expect(taskToTodo(task, { ...PREFIX, updateIntent: 'item_completed' }).done).toBe(false);
    expect(taskToTodo(task, { ...PREFIX, updateIntent: 'item_updated' }).done).toBe(true);
  });
});

describe('taskToTodo field rules', () => {
  it.each([
    ['plain', 'Replace the hallway bulb', 'Replace the hallway bulb'],
    ['a markdown link keeps its text', 'Read [the RFC](https://example.com/rfc) today', 'Read the RFC today'],
    ['two links', '[a](https://a.example) and [b](https://b.example/x_(y))', 'a and b'],
    ['an empty link text keeps the URL', 'See [](https://example.com)', 'See https://example.com'],
    ['brackets that are not a link stay', 'Buy [2] apples (green)', 'Buy [2] apples (green)'],
    ['surrounding spaces go', '  Water plants  ', 'Water plants'],
  ])('title: %s', (_label, content, name) => {
    expect(plainTitle(content)).toBe(name);
    expect(taskToTodo(taskWith({ content }), PREFIX).name).toBe(name);
  });

  it.each([
    [4, 'P1'],
    [3, 'P2'],
    [2, 'P3'],
    [1, 'P4'],
  ])('Todoist priority %i is %s', (priority, name) => {
    expect(priorityName(priority)).toBe(name);
    expect(taskToTodo(taskWith({ priority }), PREFIX).priority).toBe(name);
  });

  it.each([
    ['area labels leave Labels', ['area:Home', 'errand', 'area:Work'], ['errand'], ['Home', 'Work']],
    [
      'prefix stripped, trimmed, deduped by normalised name',
      ['area: Home ', 'area:HOME', 'area:Ｈｏｍｅ', 'area:home'],
      [],
      ['Home'],
    ],
    ['an empty area name is ignored', ['area:', 'area:   ', 'x'], ['x'], []],
    ['prefix matches regardless of case', ['Area:Garden'], [], ['Garden']],
    ['inner whitespace collapsed', ['area:Side   Projects'], [], ['Side Projects']],
    ['duplicate plain labels once', ['errand', 'errand'], ['errand'], []],
  ])('labels: %s', (_label, labels, plain, areas) => {
    const fields = taskToTodo(taskWith({ labels }), PREFIX);
    expect(fields.labels).toEqual(plain);
    expect(fields.areaNames).toEqual(areas);
  });

  it('another prefix', () => {
    expect(
      taskToTodo(taskWith({ labels: ['para/Health', 'area:Home'] }), { areaLabelPrefix: 'para/' }),
    ).toMatchObject({
      areaNames: ['Health'],
      labels: ['area:Home'],
    });
  });

  it('builds the task URL when the payload has none', () => {
    expect(taskToTodo(taskWith({ url: null }), PREFIX).url).toBe(
      'https://app.todoist.com/app/task/6cVp3Xq8RwJm2HtD',
    );
  });

  it('carries parent, section and assignee ids', () => {
    const fields = taskToTodo(taskWith({ parent_id: 'P1', section_id: 'S1', responsible_uid: 'U1' }), PREFIX);
    expect(fields).toMatchObject({ parentId: 'P1', sectionId: 'S1', responsibleUid: 'U1' });
  });
});

describe('todoToProperties', () => {
  const relations = { areaPageIds: ['area-home'], projectPageId: 'project-1' };

  it('writes every property of the schema for the updated fixture', () => {
    const fields = taskToTodo(fixtureEvent('item-updated.json').task, PREFIX);
    expect(todoToProperties(fields, relations, ALL)).toEqual({
      Name: { title: [{ type: 'text', text: { content: 'Replace both hallway bulbs' } }] },
      'Todoist ID': { rich_text: [{ type: 'text', text: { content: '6cVp3Xq8RwJm2HtD' } }] },
      Done: { checkbox: false },
      Due: { date: { start: '2025-02-13' } },
      Priority: { select: { name: 'P2' } },
      Labels: { multi_select: [{ name: 'quick' }] },
      Description: { rich_text: [] },
      Area: { relation: [{ id: 'area-home' }] },
      Project: { relation: [{ id: 'project-1' }] },
      Assignee: { relation: [] },
      Parent: { relation: [] },
      Section: { select: null },
      'Todoist URL': { url: 'https://app.todoist.com/app/task/6cVp3Xq8RwJm2HtD' },
    });
  });

  it('emits only the properties the database has', () => {
    const fields = taskToTodo(fixtureEvent('item-completed.json').task, PREFIX);
    const props = todoToProperties(fields, relations, new Set(['Name', 'Todoist ID', 'Done', 'Unrelated']));
    expect(Object.keys(props).sort()).toEqual(['Done', 'Name', 'Todoist ID']);
    expect(props['Done']).toEqual({ checkbox: true });
  });

  it('a removed due date clears the field; a fixed time carries its zone', () => {
    const base = taskToTodo(fixtureEvent('item-added.json').task, PREFIX);
    expect(todoToProperties(base, relations, ALL)['Due']).toEqual({ date: null });
    const timed = { ...base, due: { start: '2025-02-12T10:00:00', timeZone: 'Europe/Berlin' } };
    expect(todoToProperties(timed, relations, ALL)['Due']).toEqual({
      date: { start: '2025-02-12T10:00:00', time_zone: 'Europe/Berlin' },
    });
  });

  it('sets resolved relations and the section; leaves out the ones it could not resolve', () => {
    const fields = { ...bulb, parentId: 'T0', sectionId: 'S1', responsibleUid: 'U1' };
    const resolved = todoToProperties(
      fields,
      {
        areaPageIds: ['a1', 'a2', 'a1'],
        projectPageId: 'p1',
        assigneePageId: 'person-1',
        parentPageId: 'todo-0',
        sectionName: 'Errands, weekly',
      },
      ALL,
    );
    expect(resolved).toMatchObject({
      Area: { relation: [{ id: 'a1' }, { id: 'a2' }] },
      Assignee: { relation: [{ id: 'person-1' }] },
      Parent: { relation: [{ id: 'todo-0' }] },
      Section: { select: { name: 'Errands weekly' } },
    });
    const unresolved = todoToProperties(fields, { areaPageIds: [] }, ALL);
    for (const name of ['Project', 'Assignee', 'Parent', 'Section'])
      expect(unresolved).not.toHaveProperty(name);
    expect(unresolved['Area']).toEqual({ relation: [] });
  });

  it('splits a long description into ≤ 2000-character text objects without cutting an emoji', () => {
    const description = `${'a'.repeat(1999)}😀${'b'.repeat(2500)}`;
    const chunks = textItems(description);
    expect(chunks.map((c) => c.text.content.length)).toEqual([1999, 2000, 502]);
    expect(chunks.map((c) => c.text.content).join('')).toBe(description);
    const props = todoToProperties({ ...bulb, description }, relations, ALL);
    expect(props['Description']).toEqual({ rich_text: chunks });
  });

  it('caps rich text at 100 objects', () => {
    expect(textItems('x'.repeat(2000 * 150))).toHaveLength(100);
  });

  it('makes label names Notion accepts (no commas, ≤ 100 characters)', () => {
    expect(optionName('a, b')).toBe('a b');
    expect(optionName('x'.repeat(150))).toHaveLength(100);
    expect(optionName('🌱'.repeat(60))).toBe('🌱'.repeat(50));
    const props = todoToProperties({ ...bulb, labels: ['a,b', 'a b', ' '] }, relations, ALL);
    expect(props['Labels']).toEqual({ multi_select: [{ name: 'a b' }] });
  });
});

describe('contentHash', () => {
  it('ignores key order and sees every change', () => {
    const fields = taskToTodo(fixtureEvent('item-updated.json').task, PREFIX);
    const a = todoToProperties(fields, { areaPageIds: ['h'] }, ALL);
    const reordered = Object.fromEntries(Object.entries(a).reverse());
    expect(contentHash(reordered)).toBe(contentHash(a));
    expect(canonicalJson({ b: 1, a: { d: 2, c: [3, 1] } })).toBe('{"a":{"c":[3,1],"d":2},"b":1}');
    expect(contentHash(a)).toMatch(/^[0-9a-f]{64}$/);
    const done = todoToProperties({ ...fields, done: true }, { areaPageIds: ['h'] }, ALL);
    expect(contentHash(done)).not.toBe(contentHash(a));
  });

  it('equal for the completed fixture delivered twice, different from the uncompleted one', () => {
    const map = (file: string) =>
      todoToProperties(taskToTodo(fixtureEvent(file).task, PREFIX), { areaPageIds: [] }, ALL);
    expect(contentHash(map('item-completed.json'))).toBe(contentHash(map('item-completed.json')));
    expect(contentHash(map('item-completed.json'))).not.toBe(contentHash(map('item-uncompleted.json')));
  });
});
