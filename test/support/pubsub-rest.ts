/** Minimal REST calls to the Pub/Sub emulator (`host` is `127.0.0.1:PORT`, no scheme). */

/** A message as published: bytes or UTF-8 text, plus optional string attributes. */
export interface OutgoingMessage {
  data: Buffer | string;
  attributes?: Record<string, string>;
}

/** A message as pulled back, decoded from base64. */
export interface PulledMessage {
  ackId: string;
  messageId: string;
  data: Buffer;
  attributes: Record<string, string>;
}

/** Retry timing of a push subscription; numbers are seconds, strings are durations such as `'1.5s'`. */
export interface PushOptions {
  ackDeadlineSeconds?: number;
  minimumBackoff?: number | string;
  maximumBackoff?: number | string;
}

async function call(host: string, method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`http://${host}/v1/${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`Pub/Sub emulator ${method} ${path}: HTTP ${res.status} ${text}`);
  return text === '' ? {} : JSON.parse(text);
}

const duration = (value: number | string): string => (typeof value === 'number' ? `${value}s` : value);

/** Creates a topic. */
export async function createTopic(host: string, project: string, topic: string): Promise<void> {
  await call(host, 'PUT', `projects/${project}/topics/${topic}`, {});
}

/** Creates a push subscription, always with a retryPolicy (without one, nacks are retried at once, forever). */
export async function createPushSubscription(
  host: string,
  project: string,
  sub: string,
  topic: string,
  pushEndpoint: string,
  options: PushOptions = {},
): Promise<void> {
  await call(host, 'PUT', `projects/${project}/subscriptions/${sub}`, {
    topic: `projects/${project}/topics/${topic}`,
    pushConfig: { pushEndpoint },
    ackDeadlineSeconds: options.ackDeadlineSeconds ?? 10,
    retryPolicy: {
      minimumBackoff: duration(options.minimumBackoff ?? 1),
      maximumBackoff: duration(options.maximumBackoff ?? 5),
    },
  });
}

/** Creates a pull subscription. */
export async function createPullSubscription(
  host: string,
  project: string,
  sub: string,
  topic: string,
  options: { ackDeadlineSeconds?: number } = {},
): Promise<void> {
  await call(host, 'PUT', `projects/${project}/subscriptions/${sub}`, {
    topic: `projects/${project}/topics/${topic}`,
    ackDeadlineSeconds: options.ackDeadlineSeconds ?? 10,
  });
}

/** Publishes messages and returns their ids, in order. */
export async function publish(
  host: string,
  project: string,
  topic: string,
  messages: OutgoingMessage[],
): Promise<string[]> {
  const body = {
    messages: messages.map((m) => ({
      data: Buffer.from(m.data).toString('base64'),
      ...(m.attributes ? { attributes: m.attributes } : {}),
    })),
  };
  const res = (await call(host, 'POST', `projects/${project}/topics/${topic}:publish`, body)) as {
    messageIds?: string[];
  };
  return res.messageIds ?? [];
}

interface WireReceived {
  ackId: string;
  message: { data?: string; attributes?: Record<string, string>; messageId: string };
}

/**
 * Pulls up to `max` messages, polling until at least one arrives or `waitMs` passes (then `[]`).
 * Messages are not acked: call `ack` with their `ackId`s.
 */
export async function pull(
  host: string,
  project: string,
  sub: string,
  max: number,
  waitMs = 5_000,
): Promise<PulledMessage[]> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const res = (await call(host, 'POST', `projects/${project}/subscriptions/${sub}:pull`, {
      maxMessages: max,
      returnImmediately: true,
    })) as { receivedMessages?: WireReceived[] };
    const got = res.receivedMessages ?? [];
    if (got.length > 0 || Date.now() >= deadline) {
      return got.map((r) => ({
        ackId: r.ackId,
        messageId: r.message.messageId,
        data: Buffer.from(r.message.data ?? '', 'base64'),
        attributes: r.message.attributes ?? {},
      }));
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Acknowledges pulled messages so they are not delivered again. */
export async function ack(host: string, project: string, sub: string, ackIds: string[]): Promise<void> {
  await call(host, 'POST', `projects/${project}/subscriptions/${sub}:acknowledge`, { ackIds });
}

/** Deletes a subscription (push deliveries stop). */
export async function deleteSubscription(host: string, project: string, sub: string): Promise<void> {
  await call(host, 'DELETE', `projects/${project}/subscriptions/${sub}`);
}

/** Deletes a topic. */
export async function deleteTopic(host: string, project: string, topic: string): Promise<void> {
  await call(host, 'DELETE', `projects/${project}/topics/${topic}`);
}
