/**
 * Keeps V8's first major garbage collection out of a cold instance's first event.
 *
 * Why: V8 starts a new process with a small old-generation limit. functions-framework and this
 * package's modules leave the old generation just under the point where V8 begins incremental
 * marking (12 MB of a 15 MB limit on Node 24), so the first event's own allocations start a major
 * collection in the middle of it: 10–20 ms of a ~100 ms first event, measured by the benchmark's
 * cold start. With incremental marking held off, V8 collects only at the limit itself, which one
 * event does not reach; it is switched back on once the first event is answered (or after
 * `HOLD_MS`, whichever comes first), and the deferred collection runs between events. Nothing is
 * skipped: the same collection happens, after the answer instead of before it.
 */

/** Sets V8 flags in the running process (`v8.setFlagsFromString`). */
export type SetV8Flags = (flags: string) => void;

/** How long marking stays off at most, should the first event be long (a reconcile of a big account). */
export const HOLD_MS = 5_000;

export interface FirstEventGc {
  /**
   * Called as an event's handler returns: the first call switches incremental marking back on, on
   * the next turn of the event loop, once functions-framework has written the answer (switched on at
   * once, the deferred collection would start before the answer goes out).
   */
  release(): void;
}

/** The timers the hold uses (tests pass manual ones). */
export interface GcHoldTimers {
  /** Runs `fn` after `ms`; the handle is unref'd. */
  after(fn: () => void, ms: number): { unref(): unknown };
  /** Runs `fn` on the next turn of the event loop, after pending I/O callbacks. */
  soon(fn: () => void): void;
}

const PROCESS_TIMERS: GcHoldTimers = { after: setTimeout, soon: setImmediate };

/** The running process's V8 flag setter (taken without an ES import, like node:http in src/http). */
export function processV8Flags(): SetV8Flags {
  const v8 = process.getBuiltinModule('node:v8');
  return (flags) => v8.setFlagsFromString(flags);
}

/** Holds incremental marking off from now until `release()` is first called or `HOLD_MS` passes. */
export function holdFirstMajorGc(setFlags: SetV8Flags, timers: GcHoldTimers = PROCESS_TIMERS): FirstEventGc {
  let held = true;
  const resume = () => {
    if (!held) return;
    held = false;
    setFlags('--incremental-marking');
  };
  setFlags('--no-incremental-marking');
  // Unref'd: a process with nothing else to do must still be free to exit.
  timers.after(resume, HOLD_MS).unref();
  // Later answers find marking on already: nothing is scheduled for them.
  return { release: () => (held ? timers.soon(resume) : undefined) };
}
