import { describe, expect, it } from 'vitest';
import { type DueValue, dueToNotion } from '../../src/todoist/due.js';
import type { TodoistDue } from '../../src/todoist/schemas.js';

const due = (fields: Partial<TodoistDue> & { date: string }): TodoistDue => ({
  string: null,
  is_recurring: false,
  timezone: null,
  datetime: null,
  lang: 'en',
  ...fields,
});

describe('dueToNotion: no day or hour drift', () => {
  it.each<[string, TodoistDue | null, DueValue | null]>([
    ['no due date clears the field', null, null],
    ['date only stays a date', due({ date: '2025-02-12' }), { start: '2025-02-12', timeZone: null }],
    [
      'floating time stays floating (no offset, no zone)',
      due({ date: '2024-01-24T06:00:00', is_recurring: true, string: 'every day 06:00' }),
      { start: '2024-01-24T06:00:00', timeZone: null },
    ],
    [
      'floating time without seconds',
      due({ date: '2024-01-24T06:00' }),
      { start: '2024-01-24T06:00:00', timeZone: null },
    ],
    [
      'fixed: the UTC instant becomes Berlin wall time (winter, +01:00)',
      due({ date: '2025-02-12T09:00:00Z', timezone: 'Europe/Berlin' }),
      { start: '2025-02-12T10:00:00', timeZone: 'Europe/Berlin' },
    ],
    [
      'fixed: summer time in Berlin (+02:00)',
      due({ date: '2025-07-01T09:00:00Z', timezone: 'Europe/Berlin' }),
      { start: '2025-07-01T11:00:00', timeZone: 'Europe/Berlin' },
    ],
    [
      'fixed: the local day differs from the UTC day',
      due({ date: '2025-02-12T23:30:00Z', timezone: 'Asia/Tokyo' }),
      { start: '2025-02-13T08:30:00', timeZone: 'Asia/Tokyo' },
    ],
    [
      'fixed: west of UTC the local day is earlier',
      due({ date: '2025-02-13T02:00:00Z', timezone: 'America/New_York' }),
      { start: '2025-02-12T21:00:00', timeZone: 'America/New_York' },
    ],
    [
      'fixed: microseconds and half-hour zones',
      due({ date: '2025-02-12T09:00:00.000000Z', timezone: 'Asia/Kolkata' }),
      { start: '2025-02-12T14:30:00', timeZone: 'Asia/Kolkata' },
    ],
    [
      'REST v2 shape: date plus a UTC datetime',
      due({ date: '2025-02-12', datetime: '2025-02-12T09:00:00Z', timezone: 'Europe/Berlin' }),
      { start: '2025-02-12T10:00:00', timeZone: 'Europe/Berlin' },
    ],
    [
      'fixed with an offset-style zone keeps the offset',
      due({ date: '2025-02-12T09:00:00Z', timezone: 'UTC+02:00' }),
      { start: '2025-02-12T11:00:00+02:00', timeZone: null },
    ],
    [
      'fixed without a zone keeps the UTC instant',
      due({ date: '2025-02-12T09:00:00Z' }),
      { start: '2025-02-12T09:00:00Z', timeZone: null },
    ],
    [
      'fixed with an unknown zone keeps the UTC instant',
      due({ date: '2025-02-12T09:00:00Z', timezone: 'Mars/Olympus' }),
      { start: '2025-02-12T09:00:00Z', timeZone: null },
    ],
    [
      'a wall time with a known zone stays that wall time',
      due({ date: '2025-02-12T09:00:00', timezone: 'Europe/Berlin' }),
      { start: '2025-02-12T09:00:00', timeZone: 'Europe/Berlin' },
    ],
  ])('%s', (_label, input, expected) => {
    expect(dueToNotion(input)).toEqual(expected);
  });
});
