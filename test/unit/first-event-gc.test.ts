import { describe, expect, it } from 'vitest';
import { parseServeOptions } from '../../src/config/invocation.js';
import { HOLD_MS, holdFirstMajorGc } from '../../src/first-event-gc.js';
import { createFunctionHandlers } from '../../src/functions.js';
import { createLogger } from '../../src/log/logger.js';

const NODE = ['/usr/bin/node', 'functions-framework'];
/** A sync instance on the memory store; a poison message is answered without any Notion request. */
const SYNC_ENV = {
  NOTION_TOKEN: 'secret-token',
  NOTION_BASE_URL: 'http://127.0.0.1:9',
  NOTION_AREAS_DATABASE_ID: '11111111111111111111111111111111',
  NOTION_PROJECTS_DATABASE_ID: '22222222222222222222222222222222',
  NOTION_TODOS_DATABASE_ID: '33333333333333333333333333333333',
  STATE_STORE: 'memory',
  AUDIT_ON_START: 'false',
  LOG_LEVEL: 'ERROR',
};

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
    const serve = parseServeOptions([...NODE, '--target=syncTodoistEvent'], SYNC_ENV);
    const handlers = createFunctionHandlers(serve, createLogger({ sink: () => undefined }), (f) =>
      flags.push(f),
    );
    expect(flags).toEqual(['--no-incremental-marking']);

    const poison = { data: { message: { data: Buffer.from('not json').toString('base64') } } };
    await handlers.syncTodoistEvent(poison as never).catch(() => undefined);
    await nextTurn();

    expect(flags).toEqual(['--no-incremental-marking', '--incremental-marking']);
  });

  it('a process that serves none of our functions leaves the collector alone', () => {
    const flags: string[] = [];
    const serve = parseServeOptions([...NODE, '--target=helloWorld'], {});
    createFunctionHandlers(serve, createLogger({ sink: () => undefined }), (f) => flags.push(f));
    expect(flags).toEqual([]);
  });
});
