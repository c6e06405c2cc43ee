import { describe, expect, it } from 'vitest';
import { createDeliveryQueue, type QueueMessage } from '../../scripts/lib/delivery-queue.js';
import { percentile } from '../../scripts/lib/stats.js';

const tick = () => new Promise((r) => setTimeout(r, 1));

describe('the in-process Pub/Sub of the demo and the benchmark', () => {
  it('a handler that throws gets the message again until it returns (at-least-once)', async () => {
    const seen: string[] = [];
    let failuresLeft = 2;
    const queue = createDeliveryQueue({
      concurrency: 2,
      retryDelayMs: () => 1,
      handle: async (m) => {
        seen.push(m.messageId);
        if (failuresLeft-- > 0) throw new Error('transient');
        return 'applied';
      },
    });
    const id = await queue.publish(Buffer.from('{}'), { deliveryId: 'd1' });
    await queue.idle();

    expect(seen).toEqual([id, id, id]);
    const [record] = queue.records();
    expect(record).toMatchObject({ messageId: id, deliveryId: 'd1', attempts: 3, outcome: 'applied' });
    expect(queue.failures()).toEqual([]);
  });

  it('a redelivery hands the same message to the handler again, marked as such, and idle() waits for it', async () => {
    const bodies: QueueMessage[] = [];
    const queue = createDeliveryQueue({
      concurrency: 4,
      handle: async (m) => {
        bodies.push(m);
        return 'ok';
      },
    });
    const id = await queue.publish(Buffer.from('hello'), { deliveryId: 'd2' });
    queue.redeliver(id, 20);
    await queue.idle();

    expect(bodies.map((m) => [m.messageId, m.data.toString()])).toEqual([
      [id, 'hello'],
      [id, 'hello'],
    ]);
    expect(queue.records().map((r) => r.redelivery)).toEqual([false, true]);
  });

  it('never runs more deliveries at once than its concurrency', async () => {
    let running = 0;
    let peak = 0;
    const queue = createDeliveryQueue({
      concurrency: 3,
      handle: async () => {
        running += 1;
        peak = Math.max(peak, running);
        await tick();
        running -= 1;
        return 'ok';
      },
    });
    for (let i = 0; i < 12; i++) await queue.publish(Buffer.from(String(i)), {});
    await queue.idle();

    expect(peak).toBe(3);
    expect(queue.records()).toHaveLength(12);
  });

  it('gives up after maxAttempts and reports the message as failed', async () => {
    const queue = createDeliveryQueue({
      concurrency: 1,
      maxAttempts: 2,
      retryDelayMs: () => 1,
      handle: async () => {
        throw new Error('always');
      },
    });
    const id = await queue.publish(Buffer.from('x'), {});
    await queue.idle();

    expect(queue.failures().map((f) => f.messageId)).toEqual([id]);
    expect(queue.records()).toEqual([]);
  });

  it('percentiles by nearest rank', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 95)).toBe(95);
    expect(percentile([], 50)).toBe(0);
  });
});
