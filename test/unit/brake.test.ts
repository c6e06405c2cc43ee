import { describe, expect, it } from 'vitest';
import { isTransient } from '../../src/errors.js';
import { createBrake, isBrakeError } from '../../src/exactly-once/brake.js';
import { handleMessage } from '../../src/handlers/handle-message.js';
import { createLogger } from '../../src/log/logger.js';
import { createSyncContext } from '../../src/runtime.js';
import { createMemoryStore } from '../../src/state/memory.js';
import { fakeWorkspace, IDS, unitConfig } from '../support/unit-context.js';

function clock(start = Date.parse('2026-03-01T00:00:00Z')) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

function captured() {
  const lines: Array<Record<string, unknown>> = [];
  const logger = createLogger({ sink: (line) => lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { logger, lines, critical: () => lines.filter((l) => l['severity'] === 'CRITICAL') };
}

describe('runaway brake (unit)', () => {
  it('allows the limit in a rolling minute, then refuses with a transient create_brake and one CRITICAL line', () => {
    const time = clock();
    const log = captured();
    const brake = createBrake({ limitPerMinute: 3, logger: log.logger, now: time.now });
    for (let i = 0; i < 3; i++) brake.check('todo');
    let refused: unknown;
    try {
      brake.check('todo');
    } catch (error) {
      refused = error;
    }
    expect(isBrakeError(refused)).toBe(true);
    expect(isTransient(refused)).toBe(true);
    expect((refused as { code: string }).code).toBe('create_brake');
    expect(() => brake.check('todo')).toThrow(/3 todo pages/);
    expect(log.critical()).toHaveLength(1);
    expect(log.critical()[0]).toMatchObject({ kind: 'todo', createdLastMinute: 3, limitPerMinute: 3 });
    // Another kind has its own count.
    expect(() => brake.check('area')).not.toThrow();
  });

  it('recovers once the oldest creates leave the rolling minute', () => {
    const time = clock();
    const log = captured();
    const brake = createBrake({ limitPerMinute: 2, logger: log.logger, now: time.now });
    brake.check('project');
    time.advance(30_000);
    brake.check('project');
    expect(() => brake.check('project')).toThrow();
    time.advance(30_001); // the first create is now older than a minute
    expect(() => brake.check('project')).not.toThrow();
    expect(() => brake.check('project')).toThrow();
    expect(log.lines.some((l) => l['message'] === 'runaway brake released: creating pages again')).toBe(true);
  });

  it('a raised limit for a confirmed backfill shares the counts', () => {
    const time = clock();
    const brake = createBrake({ limitPerMinute: 2, logger: captured().logger, now: time.now });
    const backfill = brake.withLimit(Number.POSITIVE_INFINITY);
    for (let i = 0; i < 50; i++) backfill.check('todo');
    expect(backfill.counts()).toEqual({ todo: 50 });
    expect(() => brake.check('todo')).toThrow(/50 todo pages/);
  });
});

describe('runaway brake in the sync (a synthetic create storm)', () => {
  function setup() {
    const notion = fakeWorkspace();
    const config = unitConfig({ CREATE_LIMIT_PER_MINUTE: '5' });
    const time = clock();
    const log = captured();
    const ctx = createSyncContext(config, log.logger, {
      store: createMemoryStore(),
      notion: notion.api,
      now: time.now,
    });
    return { ctx, notion, time, log };
  }

  const body = (i: number) =>
    JSON.stringify({
      event_name: 'item:added',
      user_id: '1',
      triggered_at: '2026-03-01T00:00:00.000000Z',
      event_data: {
        id: `storm${i}`,
        content: `Storm ${i}`,
        project_id: null,
        labels: [],
        priority: 1,
        updated_at: '2026-03-01T00:00:00.000000Z',
      },
    });

  it('stops creating over the limit, asks Pub/Sub to redeliver, and catches up after the window', async () => {
    const { ctx, notion, time, log } = setup();
    const outcomes: Array<'acked' | 'retry'> = [];
    for (let i = 0; i < 8; i++) {
      try {
        await handleMessage(ctx, {
          body: Buffer.from(body(i)),
          attributes: { deliveryId: `s${i}` },
          messageId: `m${i}`,
        });
        outcomes.push('acked');
      } catch (error) {
        expect(isBrakeError(error)).toBe(true);
        outcomes.push('retry');
      }
    }
    expect(outcomes).toEqual(['acked', 'acked', 'acked', 'acked', 'acked', 'retry', 'retry', 'retry']);
    expect(notion.pages(IDS.todos)).toHaveLength(5);
    expect(log.critical()[0]).toMatchObject({ kind: 'todo', createdLastMinute: 5, limitPerMinute: 5 });

    // Redeliveries inside the window are refused again; after it, they go through once each.
    await expect(
      handleMessage(ctx, { body: Buffer.from(body(5)), attributes: { deliveryId: 's5' }, messageId: 'm5b' }),
    ).rejects.toThrow(/runaway brake/);
    time.advance(61_000);
    for (let i = 5; i < 8; i++)
      await handleMessage(ctx, {
        body: Buffer.from(body(i)),
        attributes: { deliveryId: `s${i}` },
        messageId: `r${i}`,
      });
    const todos = notion.pages(IDS.todos);
    expect(todos).toHaveLength(8);
    expect(new Set(todos.map((p) => notion.text(p.properties['Todoist ID']))).size).toBe(8);
  });
});
