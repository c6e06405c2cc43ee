import { describe, expect, it } from 'vitest';
import {
  isTodoistPayloadError,
  type ParsedEvent,
  parseWebhookBody,
  snapshotEvent,
} from '../../src/todoist/payload.js';
import { fixtureBytes, fixtureNames } from '../support/todoist-fake/fixtures.js';

function body(overrides: Record<string, unknown> = {}, data: Record<string, unknown> = {}): string {
  const base = JSON.parse(fixtureBytes('item-added.v1-shape.json').toString('utf8')) as Record<
    string,
    unknown
  >;
  return JSON.stringify({
    ...base,
    ...overrides,
    event_data: { ...(base['event_data'] as object), ...data },
  });
}

function parseError(raw: string | Buffer): { code: string; transient: boolean; message: string } {
  try {
    parseWebhookBody(raw);
  } catch (error) {
    if (!isTodoistPayloadError(error)) throw error;
    return { code: error.code, transient: error.transient, message: error.message };
  }
  throw new Error('expected a TodoistPayloadError');
}

function task(event: ParsedEvent) {
  if (event.kind !== 'task') throw new Error(`expected a task event, got ${event.kind}`);
  return event;
}

describe('parseWebhookBody on the Todoist fixtures', () => {
  const expectedKind: Record<string, string> = {
    'item-added.json': 'task',
    'item-added.v1-shape.json': 'task',
    'item-completed.json': 'task',
    'item-deleted.json': 'task',
    'item-uncompleted.json': 'task',
    'item-updated.json': 'task',
    'item-updated.recurring-completed.json': 'task',
    'note-added.json': 'note',
    'project-added.json': 'project',
  };

  it('knows every fixture', () => {
    expect(fixtureNames()).toEqual(Object.keys(expectedKind).sort());
  });

  it.each(Object.entries(expectedKind))('%s parses as a %s event and keeps the raw body', (file, kind) => {
    const bytes = fixtureBytes(file);
    const event = parseWebhookBody(bytes);
    expect(event.kind).toBe(kind);
    expect(event.raw).toEqual(JSON.parse(bytes.toString('utf8')));
    if (event.kind === 'ignored') return;
    expect(event.eventName).toBe(event.raw['event_name']);
    expect(event.triggeredAt).toBe(event.raw['triggered_at']);
    expect(event.userId).toBe('5120884');
    expect(event.initiator).toEqual({ id: '5120884', name: 'Ines', email: 'ines@example.org' });
  });

  it('accepts the docs example shape: `collapsed`, version "10", no updated_at', () => {
    const event = task(parseWebhookBody(fixtureBytes('item-added.json')));
    expect(event.version).toBe('10');
    expect(event.task.is_collapsed).toBe(false);
    expect(event.task.updated_at).toBeNull();
    expect(event.task.labels).toEqual(['area:House', 'quick']);
  });

  it('keeps unknown task fields (passthrough)', () => {
    const event = task(parseWebhookBody(fixtureBytes('item-added.v1-shape.json')));
    expect(event.task['note_count']).toBe(0);
    expect(event.task['day_order']).toBe(-1);
    expect(event.version).toBe('1');
  });

  it('reads the recurring completion intent and the old item', () => {
    const event = task(parseWebhookBody(fixtureBytes('item-updated.recurring-completed.json')));
    expect(event.updateIntent).toBe('item_completed');
    expect(event.task.checked).toBe(false);
    expect(event.task.due).toMatchObject({ date: '2025-02-14', is_recurring: true, timezone: null });
    expect(event.oldTask?.due?.date).toBe('2025-02-07');
  });

  it('parses comments and projects', () => {
    const note = parseWebhookBody(fixtureBytes('note-added.json'));
    expect(note.kind === 'note' && note.note).toMatchObject({
      id: '6cVq8Fr2TbGh5WcZ',
      item_id: '6cVp3Xq8RwJm2HtD',
      is_deleted: false,
    });
    const project = parseWebhookBody(fixtureBytes('project-added.json'));
    expect(project.kind === 'project' && project.project).toMatchObject({
      id: '6cVp2Lk7NzQf9BsW',
      name: 'Hallway refresh',
    });
  });
});

describe('parseWebhookBody tolerance', () => {
  it.each([
    [
      'numeric ids become strings',
      {},
      { id: 8283578355, project_id: 2203306141 },
      { id: '8283578355', project_id: '2203306141' },
    ],
    [
      '0/1 booleans',
      {},
      { checked: 1, is_deleted: 0, collapsed: 1, is_collapsed: undefined },
      { checked: true, is_deleted: false, is_collapsed: true },
    ],
    [
      'missing description and labels',
      {},
      { description: undefined, labels: null },
      { description: '', labels: [] },
    ],
    ['missing priority defaults to 1', {}, { priority: undefined }, { priority: 1 }],
    ['string priority', {}, { priority: '4' }, { priority: 4 }],
  ])('%s', (_label, envelope, data, expected) => {
    expect(task(parseWebhookBody(body(envelope, data))).task).toMatchObject(expected);
  });

  it.each([
    ['numeric version', { version: 9 }, '9'],
    ['missing version', { version: undefined }, null],
  ])('%s', (_label, envelope, version) => {
    expect(task(parseWebhookBody(body(envelope))).version).toBe(version);
  });

  it.each([
    'label:added',
    'label:deleted',
    'filter:updated',
    'reminder:fired',
    'item:archived',
    'workspace:joined',
  ])('%s is acknowledged as ignored', (eventName) => {
    expect(parseWebhookBody(body({ event_name: eventName, event_data: { anything: 1 } }))).toMatchObject({
      kind: 'ignored',
      eventName,
    });
  });

  it('accepts a Buffer with a byte-order mark', () => {
    const raw = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(body())]);
    expect(parseWebhookBody(raw).kind).toBe('task');
  });

  it('turns an API task into a snapshot event', () => {
    const t = task(parseWebhookBody(body({}, { checked: true }))).task;
    expect(snapshotEvent(t)).toMatchObject({
      kind: 'task',
      eventName: 'item:completed',
      source: 'snapshot',
      triggeredAt: null,
    });
  });
});

describe('parseWebhookBody rejects what cannot be applied', () => {
  it.each([
    ['not JSON', '{"event_name": ', /not valid JSON/],
    ['a JSON array', '[{"event_name":"item:added"}]', /one JSON object.*array/],
    ['a JSON string', '"item:added"', /one JSON object.*string/],
    ['no event_name', JSON.stringify({ event_data: {} }), /event_name/],
    ['a task without id', body({}, { id: undefined }), /item:added.*event_data\.id/],
    [
      'a project event without data',
      JSON.stringify({ event_name: 'project:updated', user_id: '1' }),
      /project:updated.*event_data/,
    ],
  ])('%s → payload_invalid, not transient, saying what is wrong', (_label, raw, message) => {
    const error = parseError(raw);
    expect(error.code).toBe('payload_invalid');
    expect(error.transient).toBe(false);
    expect(error.message).toMatch(message);
  });
});

describe('parseWebhookBody leaves an odd task field out and keeps the rest', () => {
  it.each([
    ['priority out of range', { priority: 7 }, 'priority', /<=4|too big|4/],
    ['priority zero', { priority: 0 }, 'priority', /1/],
    ['labels not a list', { labels: 'errand' }, 'labels', /array/],
    ['unreadable updated_at', { updated_at: 'yesterday' }, 'updated_at', /ISO-8601/],
    ['an impossible due date', { due: { date: '2026-02-30', is_recurring: false } }, 'due', /calendar date/],
    ['a due date in words', { due: { date: 'next tuesday', is_recurring: false } }, 'due', /YYYY-MM-DD/],
    ['an impossible deadline', { deadline: { date: '2026-02-30' } }, 'deadline', /calendar date/],
    ['a duration in hours', { duration: { amount: 2, unit: 'hour' } }, 'duration', /minute|day/],
    ['a duration of nothing', { duration: { amount: 0, unit: 'minute' } }, 'duration', /0|too small/],
  ])('%s → that field is reported and absent, the task still parses', (_label, data, field, reason) => {
    const event = task(parseWebhookBody(body({}, data)));
    expect(event.issues).toHaveLength(1);
    expect(event.issues?.[0]).toMatchObject({ field });
    expect(event.issues?.[0]?.reason).toMatch(reason);
    if (field !== 'updated_at') expect(event.absent?.has(field as never)).toBe(true);
    expect(event.task.content).not.toBe('');
  });

  it('an unreadable triggered_at is reported and left out; the task still parses', () => {
    const event = task(parseWebhookBody(body({ triggered_at: 'soon' })));
    expect(event.triggeredAt).toBeNull();
    expect(event.issues).toEqual([expect.objectContaining({ field: 'triggered_at', value: 'soon' })]);
  });

  it('an event holding only the task id parses, every mapped field absent', () => {
    const event = task(
      parseWebhookBody(JSON.stringify({ event_name: 'item:added', event_data: { id: '42' } })),
    );
    expect(event.task.id).toBe('42');
    expect(event.issues).toEqual([]);
    expect([...(event.absent ?? [])]).toEqual(
      expect.arrayContaining(['content', 'checked', 'due', 'labels']),
    );
  });

  it('item:completed says the task is checked even when the payload leaves it out', () => {
    const event = task(
      parseWebhookBody(JSON.stringify({ event_name: 'item:completed', event_data: { id: '42' } })),
    );
    expect(event.task.checked).toBe(true);
    expect(event.absent?.has('checked')).toBe(false);
  });
});

describe('event_data_extra is optional in every part', () => {
  it('a recurring completion without old_item still parses, with its intent', () => {
    const body = JSON.parse(fixtureBytes('item-updated.recurring-completed.json').toString('utf8'));
    delete body.event_data_extra.old_item;
    const event = parseWebhookBody(JSON.stringify(body));
    expect(event).toMatchObject({ kind: 'task', updateIntent: 'item_completed' });
  });
});
