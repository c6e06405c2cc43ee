import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { mappingFingerprint } from '../../src/mapping/mapping-fingerprint.js';
import { propertiesOfAbsent } from '../../src/mapping/sparse-task.js';
import { durationMinutes, taskToTodo, todoToProperties } from '../../src/mapping/task-properties.js';
import { type DueValue, dueToNotion } from '../../src/todoist/due.js';
import { parseWebhookBody } from '../../src/todoist/payload.js';
import type { TodoistDue, TodoistDuration, TodoistTask } from '../../src/todoist/schemas.js';

const due = (fields: Partial<TodoistDue> & { date: string }): TodoistDue => ({
  string: null,
  is_recurring: false,
  timezone: null,
  datetime: null,
  lang: 'en',
  ...fields,
});

/** A task as a webhook brings it, with the given fields over a plain one. */
function taskWith(fields: Record<string, unknown>): TodoistTask {
  const event = parseWebhookBody(
    JSON.stringify({
      event_name: 'item:updated',
      user_id: '5120884',
      event_data: { id: 't1', content: 'Dentist', project_id: 'p1', user_id: '5120884', ...fields },
    }),
  );
  if (event.kind !== 'task') throw new Error('not a task');
  return event.task;
}

const ALL = new Set(['Name', 'Due', 'Deadline', 'Duration', 'Owner']);

describe('duration in minutes', () => {
  it.each<[TodoistDuration | null, number | null]>([
    [null, null],
    [{ amount: 45, unit: 'minute' }, 45],
    [{ amount: 2, unit: 'day' }, 2880],
  ])('%j → %s minutes', (duration, minutes) => {
    expect(durationMinutes(duration)).toBe(minutes);
  });
});

describe('a timed due with a duration becomes a range, with no drift', () => {
  it.each<[string, TodoistDue, number, DueValue]>([
    [
      'fixed instant in an IANA zone: end is the later instant in the same zone',
      due({ date: '2025-02-12T09:00:00Z', timezone: 'Europe/Berlin' }),
      90,
      { start: '2025-02-12T10:00:00', end: '2025-02-12T11:30:00', timeZone: 'Europe/Berlin' },
    ],
    [
      'a DST change inside the range: two real hours read 01:00 → 04:00 in Berlin',
      due({ date: '2025-03-30T00:00:00Z', timezone: 'Europe/Berlin' }),
      120,
      { start: '2025-03-30T01:00:00', end: '2025-03-30T04:00:00', timeZone: 'Europe/Berlin' },
    ],
    [
      'fixed instant in an offset zone keeps the offset on both ends',
      due({ date: '2025-02-12T09:00:00Z', timezone: 'UTC+05:30' }),
      30,
      { start: '2025-02-12T14:30:00+05:30', end: '2025-02-12T15:00:00+05:30', timeZone: null },
    ],
    [
      'fixed instant without a zone is UTC on both ends',
      due({ date: '2025-02-12T23:30:00Z' }),
      60,
      { start: '2025-02-12T23:30:00Z', end: '2025-02-13T00:30:00Z', timeZone: null },
    ],
    [
      'floating wall time: the end is wall time too, past midnight',
      due({ date: '2024-01-24T23:15:00' }),
      60,
      { start: '2024-01-24T23:15:00', end: '2024-01-25T00:15:00', timeZone: null },
    ],
    [
      'a duration in days on a timed due',
      due({ date: '2024-01-24T09:00:00' }),
      2880,
      { start: '2024-01-24T09:00:00', end: '2024-01-26T09:00:00', timeZone: null },
    ],
    [
      'a date-only due stays a date',
      due({ date: '2025-02-12' }),
      60,
      { start: '2025-02-12', timeZone: null },
    ],
  ])('%s', (_label, input, minutes, expected) => {
    expect(dueToNotion(input, minutes)).toEqual(expected);
  });
});

describe('Deadline, Duration and the Due range on the page', () => {
  const timed = { due: { date: '2025-02-12T09:00:00Z', timezone: 'Europe/Berlin', is_recurring: false } };
  const hour = { duration: { amount: 60, unit: 'minute' } };

  it.each<[string, Record<string, unknown>, boolean, Record<string, unknown>]>([
    [
      'deadline and duration reach their properties; Due stays a point by default',
      { ...timed, ...hour, deadline: { date: '2025-02-20', lang: 'en' } },
      false,
      {
        Due: { date: { start: '2025-02-12T10:00:00', time_zone: 'Europe/Berlin' } },
        Deadline: { date: { start: '2025-02-20' } },
        Duration: { number: 60 },
      },
    ],
    [
      'DUE_AS_RANGE=true: a timed due with a duration is a start–end range',
      { ...timed, ...hour },
      true,
      {
        Due: {
          date: { start: '2025-02-12T10:00:00', end: '2025-02-12T11:00:00', time_zone: 'Europe/Berlin' },
        },
        Deadline: { date: null },
        Duration: { number: 60 },
      },
    ],
    [
      'DUE_AS_RANGE=true without a duration: a point',
      { ...timed, duration: null },
      true,
      {
        Due: { date: { start: '2025-02-12T10:00:00', time_zone: 'Europe/Berlin' } },
        Deadline: { date: null },
        Duration: { number: null },
      },
    ],
  ])('%s', (_label, fields, dueAsRange, expected) => {
    const todo = taskToTodo(taskWith(fields), { areaLabelPrefix: 'area:', dueAsRange });
    const properties = todoToProperties(todo, { areaPageIds: [] }, ALL);
    expect({
      Due: properties['Due'],
      Deadline: properties['Deadline'],
      Duration: properties['Duration'],
    }).toEqual(expected);
  });

  it('a database without Deadline and Duration gets neither', () => {
    const todo = taskToTodo(taskWith({ ...hour, deadline: { date: '2025-02-20' } }), {
      areaLabelPrefix: 'area:',
    });
    const properties = todoToProperties(todo, { areaPageIds: [] }, new Set(['Name', 'Due']));
    expect(Object.keys(properties).sort()).toEqual(['Due', 'Name']);
  });

  it('an event without deadline or duration leaves both properties as they are', () => {
    const event = parseWebhookBody(JSON.stringify({ event_name: 'item:updated', event_data: { id: 't1' } }));
    if (event.kind !== 'task') throw new Error('not a task');
    expect(propertiesOfAbsent(event.absent)).toEqual(
      expect.arrayContaining(['Deadline', 'Duration', 'Owner']),
    );
  });
});

describe('DUE_AS_RANGE', () => {
  const env = {
    NOTION_TOKEN: 'ntn_secret',
    STATE_STORE: 'memory',
    NOTION_AREAS_DATABASE_ID: '11111111-1111-1111-1111-111111111111',
    NOTION_PROJECTS_DATABASE_ID: '22222222222222222222222222222222',
    NOTION_TODOS_DATABASE_ID: '33333333-3333-3333-3333-333333333333',
  };

  it.each<[string | undefined, boolean]>([
    [undefined, false],
    ['true', true],
    ['false', false],
  ])('DUE_AS_RANGE=%s → %s', (value, expected) => {
    expect(loadConfig({ ...env, DUE_AS_RANGE: value }).sync.dueAsRange).toBe(expected);
  });

  it('a malformed value is a startup error naming it', () => {
    expect(() => loadConfig({ ...env, DUE_AS_RANGE: 'sometimes' })).toThrow(
      /DUE_AS_RANGE: expected true or false/,
    );
  });

  it('changes the mapping fingerprint, so reconcile --remap shows the ranges', () => {
    const properties = new Set(['Name', 'Due']);
    const off = mappingFingerprint({ areaLabelPrefix: 'area:', dueAsRange: false, properties });
    const on = mappingFingerprint({ areaLabelPrefix: 'area:', dueAsRange: true, properties });
    expect(on).not.toBe(off);
  });
});
