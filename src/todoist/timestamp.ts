/**
 * Todoist timestamps carry microseconds (`2025-02-10T10:39:38.123456Z`); `Date` keeps only
 * milliseconds, so two events 0.5 ms apart would compare equal. These helpers keep every digit.
 */

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

/** Microseconds since the Unix epoch, or undefined when `value` is not an ISO-8601 timestamp. A missing zone means UTC. */
export function parseTimestampMicros(value: string): bigint | undefined {
  const m = ISO.exec(value.trim());
  if (!m) return undefined;
  const [, y, mo, d, h = '00', mi = '00', s = '00', frac = '', zone] = m;
  const parts = [Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(s)] as const;
  const ms = Date.UTC(parts[0], parts[1] - 1, parts[2], parts[3], parts[4], parts[5]);
  const check = new Date(ms);
  // Date.UTC rolls 2025-02-30 over to March: reject instead of silently moving the instant.
  if (
    Number.isNaN(ms) ||
    check.getUTCFullYear() !== parts[0] ||
    check.getUTCMonth() !== parts[1] - 1 ||
    check.getUTCDate() !== parts[2] ||
    check.getUTCHours() !== parts[3] ||
    check.getUTCMinutes() !== parts[4] ||
    check.getUTCSeconds() !== parts[5]
  ) {
    return undefined;
  }
  const micros = BigInt(ms) * 1000n + BigInt((frac + '000000').slice(0, 6));
  return micros - zoneOffsetMicros(zone);
}

function zoneOffsetMicros(zone: string | undefined): bigint {
  if (zone === undefined || zone === 'Z' || zone === 'z') return 0n;
  const sign = zone.startsWith('-') ? -1n : 1n;
  const digits = zone.slice(1).replace(':', '');
  const hours = BigInt(digits.slice(0, 2));
  const minutes = BigInt(digits.slice(2, 4) || '0');
  return sign * (hours * 60n + minutes) * 60_000_000n;
}

/** True when `value` parses as an ISO-8601 timestamp (with or without zone). */
export function isTimestamp(value: string): boolean {
  return parseTimestampMicros(value) !== undefined;
}
