import { describe, expect, it } from 'vitest';
import { HOLD_MS, holdFirstMajorGc } from '../../src/first-event-gc.js';
import { createFunctionHandlers } from '../../src/functions.js';
import { createLogger } from '../../src/log/logger.js';
import { POISON_EVENT, serveTarget } from '../support/serving-sync.js';

function manualTimers() {
  const pending: Array<{ fire: () => void; ms: number }> = [];
  const soon: Array<() => void> = [];
  const timers = {
    after: (fire: () => void, ms: number) => {
      pending.push({ fire, ms });
      return { unref: () => undefined };
    },
    soon: (fire: () => void) => {
      soon.push(fire);
    },
  };
  const nextTurn = () => {
    for (const fire of soon.splice(0)) fire();
  };
  return { pending, timers, nextTurn };
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe("a cold instance's first major collection waits until its first event is answered", () => {
  it('marking is held off at once and switched back on after the first answer is written, once', () => {
    const flags: string[] = [];
    const clock = manualTimers();
    const gc = holdFirstMajorGc((f) => flags.push(f), clock.timers);
    expect(flags).toEqual(['--no-incremental-marking']);

    gc.release();
    expect(flags).toEqual(['--no-incremental-marking']);
    clock.nextTurn();
    gc.release();
    clock.nextTurn();

    expect(flags).toEqual(['--no-incremental-marking', '--incremental-marking']);
  });

  it('a first event that runs long gets marking back after the bound', () => {
    const flags: string[] = [];
    const clock = manualTimers();
    const gc = holdFirstMajorGc((f) => flags.push(f), clock.timers);
    expect(clock.pending.map((p) => p.ms)).toEqual([HOLD_MS]);

    clock.pending[0]?.fire();
    gc.release();
    clock.nextTurn();

    expect(flags).toEqual(['--no-incremental-marking', '--incremental-marking']);
  });

  it('a serving sync instance holds marking from start-up and restores it once its first event is answered', async () => {
    const flags: string[] = [];
    const serve = serveTarget('syncTodoistEvent');
    const handlers = createFunctionHandlers(serve, createLogger({ sink: () => undefined }), (f) =>
      flags.push(f),
    );
    expect(flags).toEqual(['--no-incremental-marking']);

    await handlers.syncTodoistEvent(POISON_EVENT).catch(() => undefined);
    await nextTurn();

    expect(flags).toEqual(['--no-incremental-marking', '--incremental-marking']);
  });

  it('a process that serves none of our functions leaves the collector alone', () => {
    const flags: string[] = [];
    const serve = serveTarget('helloWorld', {});
    createFunctionHandlers(serve, createLogger({ sink: () => undefined }), (f) => flags.push(f));
    expect(flags).toEqual([]);
  });
});
