import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import {
  ack,
  createPullSubscription,
  createPushSubscription,
  createTopic,
  deleteSubscription,
  publish,
  pull,
} from '../support/emulators.js';

const project = 'demo-nts';
const host = (): string => process.env['PUBSUB_EMULATOR_HOST'] ?? '';
const unique = (name: string): string => `${name}-${randomUUID().slice(0, 8)}`;

describe('emulators started by the global setup', () => {
  it('are visible to test workers through the environment', () => {
    expect(process.env['FIRESTORE_EMULATOR_HOST']).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(host()).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(process.env['GOOGLE_CLOUD_PROJECT']).toBeTruthy();
  });
});

describe('Pub/Sub emulator helpers', () => {
  it('publishes bytes with attributes and pulls them back byte-identical', async () => {
    const topic = unique('topic');
    const sub = unique('sub');
    await createTopic(host(), project, topic);
    await createPullSubscription(host(), project, sub, topic);
    const binary = randomBytes(64);
    const text = '{"event_name":"item:added","name":"Ünïcode ✓"}';
    const ids = await publish(host(), project, topic, [
      { data: binary, attributes: { deliveryId: 'd-1', eventName: 'item:added' } },
      { data: text },
    ]);
    expect(ids).toHaveLength(2);

    const received = [];
    while (received.length < 2) {
      const batch = await pull(host(), project, sub, 10);
      expect(batch.length).toBeGreaterThan(0);
      received.push(...batch);
    }
    const byId = new Map(received.map((m) => [m.messageId, m]));
    expect(byId.get(ids[0] ?? '')?.data.equals(binary)).toBe(true);
    expect(byId.get(ids[0] ?? '')?.attributes).toEqual({ deliveryId: 'd-1', eventName: 'item:added' });
    expect(byId.get(ids[1] ?? '')?.data.toString('utf8')).toBe(text);
    expect(byId.get(ids[1] ?? '')?.attributes).toEqual({});

    await ack(
      host(),
      project,
      sub,
      received.map((m) => m.ackId),
    );
    expect(await pull(host(), project, sub, 10, 300)).toEqual([]);
    await deleteSubscription(host(), project, sub);
  });

  it('pushes the wrapped message to an endpoint and redelivers after a failure answer', async () => {
    const bodies: unknown[] = [];
    const server = createServer((req: IncomingMessage, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => {
        raw += c.toString('utf8');
      });
      req.on('end', () => {
        bodies.push(JSON.parse(raw));
        // First delivery fails, so the emulator must try again (after the retryPolicy backoff).
        res.writeHead(bodies.length === 1 ? 500 : 204).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const topic = unique('topic');
    const sub = unique('push');
    await createTopic(host(), project, topic);
    await createPushSubscription(
      host(),
      project,
      sub,
      topic,
      `http://127.0.0.1:${port}/projects/${project}/topics/${topic}`,
      {
        ackDeadlineSeconds: 10,
        minimumBackoff: 0.2,
        maximumBackoff: 1,
      },
    );
    await publish(host(), project, topic, [{ data: 'hello', attributes: { deliveryId: 'd-2' } }]);

    const deadline = Date.now() + 30_000;
    while (bodies.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    await deleteSubscription(host(), project, sub);
    server.close();

    expect(bodies.length).toBeGreaterThanOrEqual(2);
    expect(bodies[0]).toMatchObject({
      subscription: `projects/${project}/subscriptions/${sub}`,
      message: { data: Buffer.from('hello').toString('base64'), attributes: { deliveryId: 'd-2' } },
    });
    expect(bodies[1]).toEqual(bodies[0]);
  });
});
