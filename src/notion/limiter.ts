import type { Priority } from './types.js';

export interface LimiterOptions {
  /** Average starts per second (Notion allows about 3 per integration). */
  rps: number;
  /** Requests in flight at once. */
  concurrency: number;
  /** Starts allowed back to back after an idle spell; small, so the average really holds. Default 1 below 4 rps, else 2. */
  burst?: number;
  /** Clock, for tests. */
  now?: () => number;
}

export interface LimiterStats {
  running: number;
  waiting: { normal: number; low: number };
  /** Tasks started since creation. */
  started: number;
  /** How much longer every start is held by the last `pauseFor` (0 when not paused). */
  pausedForMs: number;
  /** The average rate now: `rps`, or less while recovering from 429s. */
  rate: number;
}

/** The one gate every Notion request of a process passes through. */
export interface Limiter {
  schedule<T>(fn: () => Promise<T>, options?: { priority?: Priority }): Promise<T>;
  /**
   * Holds every start for `ms` (a 429 with Retry-After applies to the whole integration, not one
   * request) and halves the rate, which climbs back to `rps` while no 429 comes.
   */
  pauseFor(ms: number): void;
  stats(): LimiterStats;
}

const RECOVER_AFTER_MS = 2_000;
const MIN_RATE_SHARE = 1 / 8;

/**
 * Creates a limiter: a concurrency cap, an average-rate token bucket, a global pause, two priorities.
 * One gate admits a start only when all four allow it, so no request waits behind a second queue
 * after it has used up a token.
 */
export function createLimiter(options: LimiterOptions): Limiter {
  const { rps, concurrency } = options;
  if (!Number.isFinite(rps) || rps <= 0)
    throw new TypeError(`createLimiter: rps must be a positive number, got ${rps}`);
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new TypeError(`createLimiter: concurrency must be a positive integer, got ${concurrency}`);
  }
  const burst = options.burst ?? (rps < 4 ? 1 : 2);
  if (!Number.isFinite(burst) || burst < 1)
    throw new TypeError(`createLimiter: burst must be ≥ 1, got ${burst}`);
  const now = options.now ?? Date.now;
  const queues: Record<Priority, Array<() => void>> = { normal: [], low: [] };
  let tokens = burst;
  let refilledAt = now();
  let pausedUntil = 0;
  // Notion's real budget may be below `rps` (a shared workspace): each 429 halves the rate, quiet spells restore it.
  let rate = rps;
  let adjustedAt = refilledAt;
  let running = 0;
  let started = 0;
  let timer: NodeJS.Timeout | undefined;

  const refill = (t: number): void => {
    tokens = Math.min(burst, tokens + ((t - refilledAt) * rate) / 1000);
    refilledAt = t;
    while (rate < rps && t - adjustedAt >= RECOVER_AFTER_MS) {
      rate = Math.min(rps, rate * 1.5);
      adjustedAt += RECOVER_AFTER_MS;
    }
  };

  const wakeIn = (ms: number): void => {
    if (timer) return;
    timer = setTimeout(
      () => {
        timer = undefined;
        pump();
      },
      Math.max(1, Math.ceil(ms)),
    );
  };

  // Starts as many waiting tasks as the cap, the pause and the bucket allow; normal before low.
  function pump(): void {
    while (queues.normal.length + queues.low.length > 0) {
      if (running >= concurrency) return; // a finishing task pumps again
      const t = now();
      if (t < pausedUntil) {
        wakeIn(pausedUntil - t);
        return;
      }
      refill(t);
      if (tokens < 1) {
        wakeIn(((1 - tokens) * 1000) / rate);
        return;
      }
      tokens -= 1;
      const start = queues.normal.shift() ?? queues.low.shift();
      start?.();
    }
  }

  return {
    schedule<T>(fn: () => Promise<T>, opts: { priority?: Priority } = {}): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        queues[opts.priority ?? 'normal'].push(() => {
          running += 1;
          started += 1;
          const run = async (): Promise<T> => {
            try {
              return await fn();
            } finally {
              running -= 1;
              pump();
            }
          };
          run().then(resolve, reject);
        });
        pump();
      });
    },
    pauseFor(ms: number): void {
      if (!(ms > 0)) return;
      const t = now();
      // 429s of requests already in flight during a pause are one signal, not several: halve once.
      if (t >= pausedUntil) rate = Math.max(rps * MIN_RATE_SHARE, rate / 2);
      pausedUntil = Math.max(pausedUntil, t + ms);
      adjustedAt = pausedUntil;
      // No burst saved up during the pause: after it, starts resume one at a time at the average rate.
      tokens = Math.min(tokens, 1);
      refilledAt = Math.max(refilledAt, pausedUntil);
    },
    stats: () => ({
      running,
      waiting: { normal: queues.normal.length, low: queues.low.length },
      started,
      pausedForMs: Math.max(0, pausedUntil - now()),
      rate,
    }),
  };
}
