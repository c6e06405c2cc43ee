/**
 * The split that explains a cold-start figure: how long the process took to take connections,
 * how long its first event took, and how long the same kind of event took once the process was
 * warm. What being cold adds to the event itself is the first minus the warm one.
 */
import type { ColdTrial } from './cold-start.js';
import { median, round } from './stats.js';

/** Medians over a function's trials, in ms. */
export interface ColdSplit {
  /** Spawn → the port takes connections (Node, functions-framework, the modules loaded before listening). */
  readyMs: number;
  /** The first event's own time, from sending it to its answer. */
  firstEventMs: number;
  /** The same kind of event sent next, on the warm process. */
  warmEventMs: number | null;
  /** Per trial, first event − warm event: what being cold adds to the event (loading, schema reads, connections). */
  coldExtraMs: number | null;
}

/** The medians of `trials` (null when there were none). */
export function coldSplit(trials: readonly ColdTrial[]): ColdSplit | null {
  if (trials.length === 0) return null;
  const warm = trials.flatMap((t) => (t.warmEventMs === undefined ? [] : [t.warmEventMs]));
  const extra = trials.flatMap((t) => (t.warmEventMs === undefined ? [] : [t.firstEventMs - t.warmEventMs]));
  return {
    readyMs: round(median(trials.map((t) => t.readyMs)), 0),
    firstEventMs: round(median(trials.map((t) => t.firstEventMs)), 0),
    warmEventMs: warm.length > 0 ? round(median(warm), 0) : null,
    coldExtraMs: extra.length > 0 ? round(median(extra), 0) : null,
  };
}

/** `a: 3, b: 1` as one short line, biggest first (Notion requests by route). */
export function routesLine(routes: Readonly<Record<string, number>>): string {
  return Object.entries(routes)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([route, n]) => `${n} ${route}`)
    .join(', ');
}
