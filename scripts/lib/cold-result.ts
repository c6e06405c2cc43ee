/**
 * The cold-start result: per function the median to its first handled request beside a bare
 * functions-framework function, measured with every outside service answering at once (the
 * headline), and for the functions that keep state, again with the Firestore emulator as the store.
 */
import type { StoreOpCounts } from '../../test/support/firestore-standin/index.js';
import { type ColdSplit, coldSplit } from './cold-split.js';
import type { ColdTrial } from './cold-start.js';
import { median, round } from './stats.js';

export const COLD_FUNCTIONS = ['syncTodoistEvent', 'todoistWebhook', 'reconcileTodoist'] as const;
export type ColdFunction = (typeof COLD_FUNCTIONS)[number];
/** The functions with a state store (the webhook receiver has none). */
export const STORE_FUNCTIONS = ['syncTodoistEvent', 'reconcileTodoist'] as const;
export type StoreFunction = (typeof STORE_FUNCTIONS)[number];

/** Whether `fn` keeps state (and so has figures with the Firestore emulator too). */
export const isStoreFunction = (fn: ColdFunction): fn is StoreFunction =>
  (STORE_FUNCTIONS as readonly string[]).includes(fn);

/** Medians, ratios over the bare figure and splits of some functions' trials. */
export interface ColdFigures<F extends string> {
  figures: Record<F, number | null>;
  ratio: Record<F, number | null>;
  split: Record<F, ColdSplit | null>;
}

/** The same functions with the Firestore emulator as their store: what a store with round trips adds. */
export type EmulatorColdStart = Record<StoreFunction, number | null> & {
  /** How the store was reached. */
  store: string;
  /** The bare CloudEvent function measured in the same phase (the emulator's trials run apart). */
  bare: number;
  /** Each function's median over the bare one of the same phase. */
  ratio: Record<StoreFunction, number | null>;
  split: Record<StoreFunction, ColdSplit | null>;
};

/** Median milliseconds to the first handled request, per function, beside the bare functions. */
export type ColdStart = Record<ColdFunction, number | null> & {
  trials: number;
  /** The bare CloudEvent function: the figure each function is compared with. */
  bare: number;
  /** The bare HTTP function (the webhook's own kind), for reference. */
  bareHttp: number;
  /** Each function's median over the bare one of the same run. */
  ratio: Record<ColdFunction, number | null>;
  /** Why a function (or the emulator figures) was not measured. */
  skipped: Partial<Record<ColdFunction | 'emulator', string>>;
  /** The state store behind the headline figures (the Firestore stand-in, answering at once). */
  store: string;
  /** Process ready, first event, the same event warm (medians) per function and for the bare ones. */
  split: Record<ColdFunction | 'bare' | 'bareHttp', ColdSplit | null>;
  /** The sync and the reconcile again, on the Firestore emulator; null when it did not start. */
  emulator: EmulatorColdStart | null;
  /** Store requests (round trips) each function's first event made, by kind, counted by the stand-in. */
  firstEventStoreOps: Record<StoreFunction, StoreOpCounts | null>;
  /** Notion requests syncTodoistEvent made before acknowledging its first event (the audit starts after it). */
  firstEventNotionRequests: number;
  /** The same requests by route (`GET /v1/databases/:id`, …). */
  firstEventNotionRoutes: Record<string, number>;
  /** Earlier names of the sync's and the bare figure, kept for readers of older results. */
  oursMs: number;
  bareMs: number;
};

/** The median total of `trials`, in whole ms; null when there were none. */
export function medianTotal(trials: readonly ColdTrial[]): number | null {
  return trials.length > 0 ? round(median(trials.map((t) => t.totalMs)), 0) : null;
}

/** Figures of `fns` from their trials, each also as a ratio over `bare` (ms). */
export function coldFigures<F extends string>(
  runs: Readonly<Record<F, readonly ColdTrial[]>>,
  fns: readonly F[],
  bare: number,
): ColdFigures<F> {
  const figures = {} as Record<F, number | null>;
  const ratio = {} as Record<F, number | null>;
  const split = {} as Record<F, ColdSplit | null>;
  for (const fn of fns) {
    const ms = medianTotal(runs[fn]);
    figures[fn] = ms;
    ratio[fn] = ms === null || bare <= 0 ? null : round(ms / bare, 2);
    split[fn] = coldSplit(runs[fn]);
  }
  return { figures, ratio, split };
}
