import { AppError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import type { StateKind } from './keys.js';

/*
 * Runaway brake. A bug, a replay storm or a cache that lost its memory can make one instance
 * create pages by the hundred; duplicates are costly to undo. Each instance counts the pages of
 * each kind it created (comment appends included) in a rolling minute and, over the limit,
 * refuses to create: the event fails transiently, Pub/Sub offers it again later, and creates
 * resume once the window has calmed.
 * A confirmed backfill (reconcile --allow-creates) runs under a raised limit.
 */

/** Raised instead of creating a page while the brake holds; transient, so Pub/Sub redelivers. */
export class BrakeError extends AppError<'create_brake'> {
  readonly kind: StateKind;
  readonly count: number;
  readonly limit: number;
  constructor(kind: StateKind, count: number, limit: number) {
    super(
      'create_brake',
      `runaway brake: ${count} ${kind} pages created by this instance in the last minute (limit ${limit}); not creating more until the window calms`,
      { transient: true },
    );
    this.kind = kind;
    this.count = count;
    this.limit = limit;
  }
}

export function isBrakeError(value: unknown): value is BrakeError {
  return value instanceof BrakeError;
}

/** The per-instance create counter every page create goes through. */
export interface CreateBrake {
  /** Counts one create of `kind`, or throws BrakeError when the rolling minute is full. */
  check(kind: StateKind): void;
  /** Creates per kind in the current rolling window. */
  counts(): Partial<Record<StateKind, number>>;
  /** A brake sharing these counts under another limit (Infinity: none), for a confirmed backfill. */
  withLimit(limitPerMinute: number): CreateBrake;
}

export interface BrakeOptions {
  limitPerMinute: number;
  logger: Logger;
  now?: () => number;
  /** Rolling window length; one minute unless a test says otherwise. */
  windowMs?: number;
}

interface Trip {
  refused: number;
  loggedAt: number;
}

const RELOG_MS = 10_000;

/** Creates an instance's brake (one per SyncContext). */
export function createBrake(options: BrakeOptions): CreateBrake {
  const now = options.now ?? Date.now;
  const windowMs = options.windowMs ?? 60_000;
  const stamps = new Map<StateKind, number[]>();
  const trips = new Map<StateKind, Trip>();
  const { logger } = options;

  const recent = (kind: StateKind, t: number): number[] => {
    const list = stamps.get(kind) ?? [];
    let drop = 0;
    while (drop < list.length && (list[drop] ?? 0) <= t - windowMs) drop++;
    const kept = drop > 0 ? list.slice(drop) : list;
    stamps.set(kind, kept);
    return kept;
  };

  const counts = () => {
    const out: Partial<Record<StateKind, number>> = {};
    const t = now();
    for (const kind of stamps.keys()) out[kind] = recent(kind, t).length;
    return out;
  };

  function make(limit: number): CreateBrake {
    return {
      check(kind) {
        const t = now();
        const list = recent(kind, t);
        if (list.length >= limit) {
          const trip = trips.get(kind) ?? { refused: 0, loggedAt: Number.NEGATIVE_INFINITY };
          trip.refused += 1;
          trips.set(kind, trip);
          if (t - trip.loggedAt >= RELOG_MS) {
            trip.loggedAt = t;
            logger.critical('runaway brake: page creates refused until the rolling minute calms', {
              kind,
              createdLastMinute: list.length,
              limitPerMinute: limit,
              refused: trip.refused,
              counts: counts(),
            });
          }
          throw new BrakeError(kind, list.length, limit);
        }
        const trip = trips.get(kind);
        if (trip) {
          trips.delete(kind);
          logger.notice('runaway brake released: creating pages again', { kind, refused: trip.refused });
        }
        list.push(t);
      },
      counts,
      withLimit: (raised) => make(raised),
    };
  }

  return make(options.limitPerMinute);
}
