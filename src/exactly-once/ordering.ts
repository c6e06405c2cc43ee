import { parseTimestampMicros } from '../todoist/timestamp.js';

/*
 * "Newest wins". Todoist delivers webhooks late, twice and out of order, so each entity keeps the
 * version of the last event applied to it and anything older is skipped.
 *
 * version = `<primary µs>|<triggered_at µs>|<event rank>`, each part fixed width, so plain string
 * comparison is the total order:
 *   primary    the entity's `updated_at`, else the event's `triggered_at` (µs since epoch; `Date`
 *              would drop the microseconds Todoist sends and tie events 0.5 ms apart)
 *   triggered  breaks ties between events carrying the same `updated_at` (an item:completed and
 *              the item:updated Todoist sends with it); 0 for API snapshots, so a snapshot never
 *              overrides a webhook of the same state
 *   rank       last resort, by how final the event is: deleted > completed|archived >
 *              uncompleted|unarchived > updated > added > other
 * A content-hash tie-break was rejected: it would let an older same-timestamp event regress.
 */

const WIDTH = 17;
const RANKS: Record<string, number> = {
  deleted: 5,
  completed: 4,
  archived: 4,
  uncompleted: 3,
  unarchived: 3,
  updated: 2,
  added: 1,
};

/** The fields of an event the ordering reads (TaskEvent, ProjectEvent, SectionEvent fit). */
export interface VersionedEvent {
  eventName: string;
  triggeredAt?: string | null | undefined;
  task?: { updated_at?: string | null | undefined };
  project?: { updated_at?: string | null | undefined };
  section?: { updated_at?: string | null | undefined };
}

function micros(value: string | null | undefined): bigint | undefined {
  return value ? parseTimestampMicros(value) : undefined;
}

function pad(value: bigint | undefined): string {
  const v = value === undefined || value < 0n ? 0n : value;
  return v.toString().padStart(WIDTH, '0');
}

/** Rank of an event name's action (`item:completed` → 4); unknown actions rank 0. */
export function eventRank(eventName: string): number {
  return RANKS[eventName.slice(eventName.indexOf(':') + 1)] ?? 0;
}

/** The sortable ordering key of an event: compare two with `<` / `===`. */
export function eventVersion(ev: VersionedEvent): string {
  const updatedAt = ev.task?.updated_at ?? ev.project?.updated_at ?? ev.section?.updated_at;
  const triggered = micros(ev.triggeredAt);
  const primary = micros(updatedAt) ?? triggered;
  return `${pad(primary)}|${pad(triggered)}|${eventRank(ev.eventName)}`;
}

/** What the entity last applied: its version and whether it is a tombstone. */
export interface LastApplied {
  version: string;
  deleted: boolean;
}

export interface Incoming {
  version: string;
  isDelete: boolean;
  /**
   * Whether a newer non-delete may bring a deleted entity back. False for tasks: Todoist never
   * reuses ids and a deleted task cannot be restored, so a later "update" is a replay of an old
   * state whose timestamp was misreported and must not revive the page. Archived projects and
   * sections can be unarchived: callers pass true for those.
   */
  canRevive?: boolean | undefined;
}

export type Decision = 'apply' | 'stale' | 'duplicate';

/** Decides whether an incoming event changes the entity (`apply`), is older (`stale`) or the same (`duplicate`). */
export function decide(last: LastApplied | undefined, incoming: Incoming): Decision {
  if (!last) return 'apply';
  if (incoming.version < last.version) return 'stale';
  if (incoming.version === last.version) {
    if (last.deleted && !incoming.isDelete) return 'stale';
    return incoming.isDelete && !last.deleted ? 'apply' : 'duplicate';
  }
  if (last.deleted && !incoming.isDelete && !incoming.canRevive) return 'stale';
  return 'apply';
}
