import { formatterFor } from './due.js';
import type { TodoistDue } from './schemas.js';

/** A Notion date as a comparable key: the day for a date, the instant (ms) for a date-time. */
export function dueKey(due: { start: string; timeZone: string | null }): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(due.start)) return due.start;
  const ms = instantOf(due);
  return ms === undefined ? due.start : String(ms);
}

const HAS_OFFSET = /(?:[Zz]|[+-]\d{2}:?\d{2})$/;

/** Offset (ms) of an IANA zone at an instant; undefined for an unknown zone. */
function zoneOffsetMs(zone: string, epochMs: number): number | undefined {
  const f = formatterFor(zone);
  if (!f) return undefined;
  const p: Record<string, number> = {};
  for (const part of f.formatToParts(new Date(epochMs))) p[part.type] = Number(part.value);
  const wall = Date.UTC(
    p['year'] ?? 0,
    (p['month'] ?? 1) - 1,
    p['day'] ?? 1,
    p['hour'] ?? 0,
    p['minute'] ?? 0,
    p['second'] ?? 0,
  );
  return wall - Math.floor(epochMs / 1000) * 1000;
}

/** The instant of a Notion date-time: its own offset, else its wall time in `timeZone`, else UTC. */
export function instantOf(due: { start: string; timeZone: string | null }): number | undefined {
  if (HAS_OFFSET.test(due.start)) {
    const ms = Date.parse(due.start);
    return Number.isNaN(ms) ? undefined : ms;
  }
  const wall = Date.parse(`${due.start.slice(0, 19)}Z`);
  if (Number.isNaN(wall)) return undefined;
  if (!due.timeZone) return wall;
  // Two rounds settle the offset across a DST change.
  let guess = wall;
  for (let i = 0; i < 2; i++) {
    const offset = zoneOffsetMs(due.timeZone, guess);
    if (offset === undefined) return wall;
    guess = wall - offset;
  }
  return guess;
}

/** The Sync API `due` object for a Notion date, keeping a recurring task's recurrence. */
export function notionDueToTodoist(
  due: { start: string; timeZone: string | null } | null,
  current: TodoistDue | null,
): Record<string, unknown> | null {
  if (!due) return null;
  let out: Record<string, unknown>;
  if (/^\d{4}-\d{2}-\d{2}$/.test(due.start)) out = { date: due.start };
  else if (!HAS_OFFSET.test(due.start) && !due.timeZone) out = { date: due.start.slice(0, 19) };
  else {
    const ms = instantOf(due);
    if (ms === undefined) out = { date: due.start.slice(0, 10) };
    else
      out = {
        date: `${new Date(ms).toISOString().slice(0, 19)}Z`,
        timezone: due.timeZone ?? current?.timezone ?? 'UTC',
      };
  }
  if (current?.is_recurring) {
    // Sending a bare date would drop the recurrence: keep its rule, language and zone.
    out = { ...out, string: current.string, is_recurring: true };
    if (current.lang) out['lang'] = current.lang;
    if (current.timezone && out['timezone'] === undefined) out['timezone'] = current.timezone;
  }
  return out;
}
