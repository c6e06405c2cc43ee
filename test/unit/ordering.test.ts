import { describe, expect, it } from 'vitest';
import {
  type Decision,
  decide,
  eventRank,
  eventVersion,
  type VersionedEvent,
} from '../../src/exactly-once/ordering.js';
import { parseTimestampMicros } from '../../src/todoist/timestamp.js';

const item = (eventName: string, updatedAt: string | null, triggeredAt: string | null): VersionedEvent => ({
  eventName,
  triggeredAt,
  task: { updated_at: updatedAt },
});

describe('parseTimestampMicros keeps every microsecond', () => {
  it.each([
    ['2025-02-10T10:39:38.000000Z', 1739183978000000n],
    ['2025-02-10T10:39:38.000001Z', 1739183978000001n],
    ['2025-02-10T10:39:38.123456Z', 1739183978123456n],
    ['2025-02-10T10:39:38.1234569Z', 1739183978123456n],
    ['2025-02-10T10:39:38Z', 1739183978000000n],
    ['2025-02-10T10:39:38', 1739183978000000n],
    ['2025-02-10T11:39:38.5+01:00', 1739183978500000n],
    ['2025-02-10T05:09:38-0530', 1739183978000000n],
    ['2025-02-10', 1739145600000000n],
  ])('%s → %s µs', (value, micros) => {
    expect(parseTimestampMicros(value)).toBe(micros);
  });

  it.each(['', 'yesterday', '2025-02-30T00:00:00Z', '2025-13-01', '2025-02-10T25:00:00Z', '10/02/2025'])(
    '%j is not a timestamp',
    (value) => {
      expect(parseTimestampMicros(value)).toBeUndefined();
    },
  );
});

describe('eventVersion orders events totally', () => {
  it.each<[string, VersionedEvent, VersionedEvent]>([
    [
      'a later updated_at wins',
      item('item:updated', '2025-02-10T10:00:00.000000Z', '2025-02-10T12:00:00.000000Z'),
      item('item:updated', '2025-02-10T11:00:00.000000Z', '2025-02-10T11:00:00.000000Z'),
    ],
    [
      'one microsecond is enough',
      item('item:updated', '2025-02-10T10:00:00.000001Z', null),
      item('item:updated', '2025-02-10T10:00:00.000002Z', null),
    ],
    [
      'same updated_at: the later triggered_at wins',
      item('item:completed', '2025-02-10T10:00:00Z', '2025-02-10T10:00:00.000100Z'),
      item('item:updated', '2025-02-10T10:00:00Z', '2025-02-10T10:00:00.000200Z'),
    ],
    [
      'same timestamps: completed beats updated',
      item('item:updated', '2025-02-10T10:00:00Z', '2025-02-10T10:00:01Z'),
      item('item:completed', '2025-02-10T10:00:00Z', '2025-02-10T10:00:01Z'),
    ],
    [
      'same timestamps: deleted beats completed',
      item('item:completed', '2025-02-10T10:00:00Z', '2025-02-10T10:00:01Z'),
      item('item:deleted', '2025-02-10T10:00:00Z', '2025-02-10T10:00:01Z'),
    ],
    [
      'same timestamps: uncompleted beats updated',
      item('item:updated', '2025-02-10T10:00:00Z', '2025-02-10T10:00:01Z'),
      item('item:uncompleted', '2025-02-10T10:00:00Z', '2025-02-10T10:00:01Z'),
    ],
    [
      'same timestamps: updated beats added',
      item('item:added', '2025-02-10T10:00:00Z', '2025-02-10T10:00:01Z'),
      item('item:updated', '2025-02-10T10:00:00Z', '2025-02-10T10:00:01Z'),
    ],
    [
      'no updated_at: triggered_at is the version',
      item('item:added', null, '2025-02-10T10:39:38.000000Z'),
      item('item:updated', '2025-02-10T11:02:10.000000Z', '2025-02-10T11:02:10.000000Z'),
    ],
    [
      'an API snapshot of the same state loses to the webhook',
      item('item:updated', '2025-02-10T10:00:00Z', null),
      item('item:updated', '2025-02-10T10:00:00Z', '2025-02-10T10:00:00Z'),
    ],
    [
      'projects: archived beats updated at the same time',
      {
        eventName: 'project:updated',
        triggeredAt: '2025-02-01T08:00:00Z',
        project: { updated_at: '2025-02-01T08:00:00Z' },
      },
      {
        eventName: 'project:archived',
        triggeredAt: '2025-02-01T08:00:00Z',
        project: { updated_at: '2025-02-01T08:00:00Z' },
      },
    ],
  ])('%s', (_label, older, newer) => {
    expect(eventVersion(older) < eventVersion(newer)).toBe(true);
    expect(eventVersion(newer) > eventVersion(older)).toBe(true);
  });

  it('the same instant written with different offsets is the same version', () => {
    expect(eventVersion(item('item:updated', '2025-02-10T11:00:00+01:00', '2025-02-10T10:00:00Z'))).toBe(
      eventVersion(item('item:updated', '2025-02-10T10:00:00.000000Z', '2025-02-10T11:00:00+01:00')),
    );
  });

  it('is a fixed-width key', () => {
    expect(
      eventVersion(item('item:completed', '2025-02-11T09:00:00.000000Z', '2025-02-11T09:00:00.000000Z')),
    ).toBe('01739264400000000|01739264400000000|4');
    expect(eventVersion({ eventName: 'note:added' })).toBe('00000000000000000|00000000000000000|1');
  });

  it.each([
    ['item:deleted', 5],
    ['item:completed', 4],
    ['project:archived', 4],
    ['item:uncompleted', 3],
    ['section:unarchived', 3],
    ['item:updated', 2],
    ['item:added', 1],
    ['reminder:fired', 0],
  ])('%s ranks %i', (name, rank) => {
    expect(eventRank(name)).toBe(rank);
  });
});

describe('decide: newest wins, tombstones stay', () => {
  const v1 = '01739183978000000|01739183978000000|2';
  const v2 = '01739185330000000|01739185330000000|2';
  it.each<
    [
      string,
      { version: string; deleted: boolean } | undefined,
      { version: string; isDelete: boolean; canRevive?: boolean },
      Decision,
    ]
  >([
    ['nothing applied yet → apply', undefined, { version: v1, isDelete: false }, 'apply'],
    ['nothing applied yet, a delete → apply', undefined, { version: v1, isDelete: true }, 'apply'],
    ['newer update → apply', { version: v1, deleted: false }, { version: v2, isDelete: false }, 'apply'],
    ['older update → stale', { version: v2, deleted: false }, { version: v1, isDelete: false }, 'stale'],
    [
      'same version again → duplicate',
      { version: v1, deleted: false },
      { version: v1, isDelete: false },
      'duplicate',
    ],
    [
      'same version, now a delete → apply',
      { version: v1, deleted: false },
      { version: v1, isDelete: true },
      'apply',
    ],
    ['newer delete → apply', { version: v1, deleted: false }, { version: v2, isDelete: true }, 'apply'],
    ['older delete → stale', { version: v2, deleted: false }, { version: v1, isDelete: true }, 'stale'],
    [
      'delete redelivered → duplicate',
      { version: v1, deleted: true },
      { version: v1, isDelete: true },
      'duplicate',
    ],
    [
      'older update after a delete → stale',
      { version: v2, deleted: true },
      { version: v1, isDelete: false },
      'stale',
    ],
    [
      'same-version update after a delete → stale',
      { version: v1, deleted: true },
      { version: v1, isDelete: false },
      'stale',
    ],
    [
      'newer update after a task delete → stale (ids never come back)',
      { version: v1, deleted: true },
      { version: v2, isDelete: false },
      'stale',
    ],
    [
      'newer update after an archive that can revive → apply',
      { version: v1, deleted: true },
      { version: v2, isDelete: false, canRevive: true },
      'apply',
    ],
    [
      'older unarchive after an archive → stale',
      { version: v2, deleted: true },
      { version: v1, isDelete: false, canRevive: true },
      'stale',
    ],
    [
      'newer delete after a delete → apply (version moves on)',
      { version: v1, deleted: true },
      { version: v2, isDelete: true },
      'apply',
    ],
  ])('%s', (_label, last, incoming, expected) => {
    expect(decide(last, incoming)).toBe(expected);
  });

  it('the fixtures in delivery disorder end on the delete', () => {
    const events = [
      item('item:deleted', '2025-02-12T08:00:00.000000Z', '2025-02-12T08:00:00.000000Z'),
      item('item:completed', '2025-02-11T09:00:00.000000Z', '2025-02-11T09:00:00.000000Z'),
      item('item:added', null, '2025-02-10T10:39:38.000000Z'),
      item('item:uncompleted', '2025-02-11T09:30:00.000000Z', '2025-02-11T09:30:00.000000Z'),
    ];
    let last: { version: string; deleted: boolean; name: string } | undefined;
    for (const ev of events) {
      const isDelete = ev.eventName === 'item:deleted';
      if (decide(last, { version: eventVersion(ev), isDelete }) === 'apply') {
        last = { version: eventVersion(ev), deleted: isDelete, name: ev.eventName };
      }
    }
    expect(last).toMatchObject({ name: 'item:deleted', deleted: true });
  });
});
