import type { TodoistDue } from './schemas.js';
import { parseTimestampMicros } from './timestamp.js';

/**
 * A Todoist due date as Notion's `date` wants it. With `timeZone` set, `start` is the wall-clock
 * time in that zone without an offset (Notion pairs the two); with it null, `start` is a date,
 * a floating time, or an instant carrying its own offset.
 */
export interface DueValue {
  start: string;
  /** End of a timed due with a duration, in the same form as `start` (same zone or offset). */
  end?: string | undefined;
  timeZone: string | null;
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const FLOATING = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::(\d{2}))?(?:\.\d+)?$/;
const OFFSET_ZONE = /^(?:UTC|GMT)?\s*([+-])(\d{1,2})(?::?(\d{2}))?$/i;

const formatters = new Map<string, Intl.DateTimeFormat | null>();

/** A formatter for an IANA zone, or null when the runtime does not know the zone. */
export function formatterFor(zone: string): Intl.DateTimeFormat | null {
  let f = formatters.get(zone);
  if (f === undefined) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone: zone,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
      });
    } catch {
      f = null;
    }
    formatters.set(zone, f);
  }
  return f;
}

function wallTime(epochMs: number, f: Intl.DateTimeFormat): string {
  const part: Record<string, string> = {};
  for (const p of f.formatToParts(new Date(epochMs))) part[p.type] = p.value;
  const year = (part['year'] ?? '').padStart(4, '0');
  return `${year}-${part['month']}-${part['day']}T${part['hour']}:${part['minute']}:${part['second']}`;
}

function utcWallTime(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 19);
}

/** Minutes east of UTC for `UTC+02:00`, `+0530`, `GMT-3`; undefined for anything else. */
function offsetMinutes(zone: string): number | undefined {
  const m = OFFSET_ZONE.exec(zone.trim());
  if (!m) return undefined;
  const minutes = Number(m[2]) * 60 + Number(m[3] ?? '0');
  return m[1] === '-' ? -minutes : minutes;
}

function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** A fixed instant shown in the task's zone: IANA → wall time + zone; offset zone → offset; none → UTC. */
function fixed(epochMs: number, zone: string | null): DueValue {
  const f = zone ? formatterFor(zone) : null;
  if (zone && f) return { start: wallTime(epochMs, f), timeZone: zone };
  const offset = zone ? offsetMinutes(zone) : undefined;
  if (offset !== undefined) {
    return { start: utcWallTime(epochMs + offset * 60_000) + formatOffset(offset), timeZone: null };
  }
  return { start: `${utcWallTime(epochMs)}Z`, timeZone: null };
}

/** Maps Todoist's three due forms (date, floating time, fixed instant) to Notion without drifting a day or an hour. */
export function dueToNotion(
  due: TodoistDue | null | undefined,
  durationMinutes?: number | null,
): DueValue | null {
  if (!due) return null;
  const date = due.date.trim();
  const instant = due.datetime ?? (/[Zz]$|[+-]\d{2}:?\d{2}$/.test(date) && date.includes('T') ? date : null);
  if (instant) {
    const us = parseTimestampMicros(instant);
    if (us !== undefined) {
      const startMs = Number(us / 1000n);
      const value = fixed(startMs, due.timezone);
      // The end is the start instant plus the duration, shown in the same zone: a DST change in between is honoured.
      return durationMinutes
        ? { ...value, end: fixed(startMs + durationMinutes * 60_000, due.timezone).start }
        : value;
    }
  }
  const dayPart = date.slice(0, 10);
  if (DATE_ONLY.test(date)) return { start: date, timeZone: null };
  const floating = FLOATING.exec(date);
  if (floating) {
    const start = `${floating[1]}T${floating[2]}:${floating[3] ?? '00'}`;
    // A wall time with a known zone stays that wall time in that zone.
    const zone = due.timezone && formatterFor(due.timezone) ? due.timezone : null;
    return durationMinutes
      ? { start, end: addWallMinutes(start, durationMinutes), timeZone: zone }
      : { start, timeZone: zone };
  }
  return DATE_ONLY.test(dayPart) ? { start: dayPart, timeZone: null } : null;
}

/** A floating wall time moved by whole minutes on the wall clock (a floating time has no zone to shift in). */
function addWallMinutes(wall: string, minutes: number): string {
  return utcWallTime(Date.parse(`${wall}Z`) + minutes * 60_000);
}
