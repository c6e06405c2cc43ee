/**
 * Firestore's `updateTime`: an RFC 3339 UTC timestamp with microseconds, as the emulator writes it
 * (`2026-11-30T00:24:32.422259Z`). Preconditions compare these, so every write gets a later one.
 */

/** Hands out strictly increasing microsecond times, close to the wall clock. */
export function createWriteClock(now: () => number = Date.now): () => number {
  let last = 0;
  return () => {
    last = Math.max(now() * 1_000, last + 1);
    return last;
  };
}

/** `micros` since the epoch as the emulator formats an updateTime. */
export function formatMicros(micros: number): string {
  const iso = new Date(Math.floor(micros / 1_000)).toISOString();
  return `${iso.slice(0, 23)}${String(micros % 1_000).padStart(3, '0')}Z`;
}

/** An RFC 3339 timestamp (any fraction up to nanoseconds) as microseconds, or undefined when malformed. */
export function parseMicros(text: string): number | undefined {
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?Z$/.exec(text);
  if (!match?.[1]) return undefined;
  const seconds = Date.parse(`${match[1]}Z`);
  if (Number.isNaN(seconds)) return undefined;
  const fraction = (match[2] ?? '').padEnd(6, '0').slice(0, 6);
  return seconds * 1_000 + Number(fraction);
}
