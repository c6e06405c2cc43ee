import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLimiter } from '../../src/notion/limiter.js';

/** Schedules `n` tasks that record when they start and finish after `workMs`. */
function record(
  limiter: ReturnType<typeof createLimiter>,
  n: number,
  workMs = 0,
  priority: 'normal' | 'low' = 'normal',
) {
  const starts: number[] = [];
  const done = Array.from({ length: n }, (_, i) =>
    limiter.schedule(
      async () => {
        starts.push(Date.now());
        await new Promise((r) => setTimeout(r, workMs));
        return i;
      },
      { priority },
    ),
  );
  return { starts, done: Promise.all(done) };
}

describe('the shared Notion limiter', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('holds 3 requests per second on average: ten quick requests start at least 1/3 s apart', async () => {
    const limiter = createLimiter({ rps: 3, concurrency: 10 });
    const { starts, done } = record(limiter, 10);
    await vi.advanceTimersByTimeAsync(10_000);
    await expect(done).resolves.toHaveLength(10);
    const gaps = starts.slice(1).map((t, i) => t - (starts[i] ?? 0));
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(333);
    // Nine gaps of a third of a second: the whole run takes about three seconds, not less.
    expect((starts.at(-1) ?? 0) - (starts[0] ?? 0)).toBeGreaterThanOrEqual(2990);
  });

  it('never runs more than `concurrency` tasks at once', async () => {
    const limiter = createLimiter({ rps: 1000, concurrency: 2, burst: 10 });
    let running = 0;
    let peak = 0;
    const tasks = Array.from({ length: 8 }, () =>
      limiter.schedule(async () => {
        running += 1;
        peak = Math.max(peak, running);
        await new Promise((r) => setTimeout(r, 100));
        running -= 1;
      }),
    );
    await vi.advanceTimersByTimeAsync(2_000);
    await Promise.all(tasks);
    expect(peak).toBe(2);
    expect(limiter.stats().started).toBe(8);
  });

  it('pauseFor holds every start, also of tasks queued before the pause', async () => {
    const limiter = createLimiter({ rps: 100, concurrency: 5 });
    const t0 = Date.now();
    const first = record(limiter, 1);
    await vi.advanceTimersByTimeAsync(1);
    limiter.pauseFor(2_000);
    expect(limiter.stats().pausedForMs).toBeGreaterThan(1_900);
    const later = record(limiter, 3);
    await vi.advanceTimersByTimeAsync(1_900);
    expect(later.starts).toEqual([]);
    await vi.advanceTimersByTimeAsync(1_000);
    await Promise.all([first.done, later.done]);
    expect(later.starts).toHaveLength(3);
    expect(Math.min(...later.starts) - t0).toBeGreaterThanOrEqual(2_000);
  });

  it('after a 429 it halves its rate, and climbs back to the configured rate once 429s stop', async () => {
    const limiter = createLimiter({ rps: 4, concurrency: 4 });
    limiter.pauseFor(1_000);
    limiter.pauseFor(500); // a second 429 from the same burst: one signal
    expect(limiter.stats().rate).toBe(2);
    const { starts, done } = record(limiter, 4);
    await vi.advanceTimersByTimeAsync(3_000);
    await done;
    const gaps = starts.slice(1).map((t, i) => t - (starts[i] ?? 0));
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(500);
    await vi.advanceTimersByTimeAsync(10_000);
    const later = record(limiter, 3);
    await vi.advanceTimersByTimeAsync(2_000);
    await later.done;
    expect(limiter.stats().rate).toBe(4);
  });

  it('starts low-priority work only when no normal work is waiting', async () => {
    const limiter = createLimiter({ rps: 1000, concurrency: 1, burst: 10 });
    const order: string[] = [];
    const task = (name: string, priority: 'normal' | 'low') =>
      limiter.schedule(
        async () => {
          order.push(name);
          await new Promise((r) => setTimeout(r, 100));
        },
        { priority },
      );
    const all = [
      task('event-1', 'normal'),
      task('audit-1', 'low'),
      task('audit-2', 'low'),
      task('event-2', 'normal'),
    ];
    // While audit-1 runs (200–300 ms), an event arrives: it overtakes audit-2.
    await vi.advanceTimersByTimeAsync(250);
    const more = task('event-3', 'normal');
    await vi.advanceTimersByTimeAsync(1_000);
    await Promise.all([...all, more]);
    expect(order).toEqual(['event-1', 'event-2', 'audit-1', 'event-3', 'audit-2']);
  });

  it('passes results and rejections through', async () => {
    const limiter = createLimiter({ rps: 10, concurrency: 1 });
    const ok = limiter.schedule(async () => 42);
    const bad = limiter.schedule(async () => {
      throw new Error('boom');
    });
    const badSeen = expect(bad).rejects.toThrow('boom');
    await vi.advanceTimersByTimeAsync(1_000);
    await expect(ok).resolves.toBe(42);
    await badSeen;
  });

  it('refuses a nonsensical configuration with a message that states the expectation', () => {
    expect(() => createLimiter({ rps: 0, concurrency: 1 })).toThrow(/rps must be a positive number/);
    expect(() => createLimiter({ rps: 3, concurrency: 1.5 })).toThrow(
      /concurrency must be a positive integer/,
    );
  });
});
