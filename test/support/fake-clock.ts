/** A clock a test moves by hand; a `sleep` on it moves it too, then lets other work run. */
export function fakeClock(start = 1_800_000_000_000) {
  let t = start;
  let onSleep: (() => Promise<void> | void) | undefined;
  const slept: number[] = [];
  return {
    now: () => t,
    advance(ms: number) {
      t += ms;
    },
    /** Every sleep asked for, in order. */
    slept,
    /** Runs `fn` at each sleep, after the clock moved (another party acting while the caller waits). */
    whileSleeping(fn: () => Promise<void> | void) {
      onSleep = fn;
    },
    async sleep(ms: number) {
      slept.push(ms);
      t += Math.max(0, ms);
      await onSleep?.();
      await new Promise<void>((resolve) => setImmediate(resolve));
    },
  };
}

export type FakeClock = ReturnType<typeof fakeClock>;
