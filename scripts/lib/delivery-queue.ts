/**
 * An in-process stand-in for a Pub/Sub push subscription: at-least-once, concurrent, retried.
 * A delivery runs the handler; returning acks it, throwing nacks it and it comes back after a
 * backoff (like Pub/Sub's retry policy). The same message may be delivered more than once, even
 * at the same time, exactly as a real subscription may.
 */

export interface QueueMessage {
  messageId: string;
  data: Buffer;
  attributes: Record<string, string>;
}

/** One delivery of one message, from its first attempt to its ack. */
export interface DeliveryRecord {
  messageId: string;
  deliveryId: string | undefined;
  /** A second delivery of a message already delivered (Pub/Sub redelivery). */
  redelivery: boolean;
  attempts: number;
  startedAt: number;
  ackedAt: number;
  outcome: string;
}

export interface DeliveryQueueOptions {
  handle(message: QueueMessage): Promise<string>;
  /** Deliveries running at once (a push subscription's in-flight messages). */
  concurrency: number;
  /** Backoff before a nacked message is offered again, by attempt (1-based). */
  retryDelayMs?: (attempt: number) => number;
  /** Attempts before giving up on a message (it then counts as failed). */
  maxAttempts?: number;
}

export interface DeliveryQueue {
  /** Publishes a message and schedules its first delivery; resolves with the message id. */
  publish(data: Buffer, attributes: Record<string, string>): Promise<string>;
  /** Schedules one more delivery of a message published before (a redelivery), after `afterMs`. */
  redeliver(messageId: string, afterMs?: number): void;
  /** Resolves once every scheduled delivery was acked or gave up. */
  idle(): Promise<void>;
  records(): DeliveryRecord[];
  /** Messages that were never acked after `maxAttempts`. */
  failures(): Array<{ messageId: string; error: unknown }>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Creates the queue; deliveries start as soon as a slot is free, in scheduling order. */
export function createDeliveryQueue(options: DeliveryQueueOptions): DeliveryQueue {
  const retryDelayMs = options.retryDelayMs ?? ((attempt) => Math.min(100 * 2 ** attempt, 2_000));
  const maxAttempts = options.maxAttempts ?? 20;
  const messages = new Map<string, QueueMessage>();
  const delivered = new Set<string>();
  const records: DeliveryRecord[] = [];
  const failures: Array<{ messageId: string; error: unknown }> = [];
  const waiting: Array<() => void> = [];
  let running = 0;
  let pending = 0;
  let nextId = 1;
  let idleWaiters: Array<() => void> = [];

  const acquire = async (): Promise<void> => {
    if (running < options.concurrency) {
      running += 1;
      return;
    }
    await new Promise<void>((resolve) => waiting.push(resolve));
  };
  const release = (): void => {
    const next = waiting.shift();
    if (next) next();
    else running -= 1;
  };

  const deliver = async (message: QueueMessage, redelivery: boolean): Promise<void> => {
    await acquire();
    const startedAt = performance.now();
    let attempts = 0;
    try {
      for (;;) {
        attempts += 1;
        try {
          const outcome = await options.handle(message);
          records.push({
            messageId: message.messageId,
            deliveryId: message.attributes['deliveryId'],
            redelivery,
            attempts,
            startedAt,
            ackedAt: performance.now(),
            outcome,
          });
          return;
        } catch (error) {
          if (attempts >= maxAttempts) {
            failures.push({ messageId: message.messageId, error });
            return;
          }
          // A nacked message gives its slot back while it waits, as Pub/Sub does.
          release();
          await sleep(retryDelayMs(attempts));
          await acquire();
        }
      }
    } finally {
      release();
      pending -= 1;
      if (pending === 0) {
        const waiters = idleWaiters;
        idleWaiters = [];
        for (const resolve of waiters) resolve();
      }
    }
  };

  const schedule = (message: QueueMessage, afterMs = 0): void => {
    const redelivery = delivered.has(message.messageId);
    delivered.add(message.messageId);
    // Counted now, so idle() also waits for redeliveries that are still on their timer.
    pending += 1;
    if (afterMs > 0) setTimeout(() => void deliver(message, redelivery), afterMs);
    else void deliver(message, redelivery);
  };

  return {
    async publish(data, attributes) {
      const messageId = `m-${nextId++}`;
      const message = { messageId, data: Buffer.from(data), attributes: { ...attributes } };
      messages.set(messageId, message);
      schedule(message);
      return messageId;
    },
    redeliver(messageId, afterMs) {
      const message = messages.get(messageId);
      if (!message) throw new Error(`redeliver: no message ${messageId} was published`);
      schedule(message, afterMs);
    },
    idle() {
      if (pending === 0) return Promise.resolve();
      return new Promise<void>((resolve) => idleWaiters.push(resolve));
    },
    records: () => [...records],
    failures: () => [...failures],
  };
}
