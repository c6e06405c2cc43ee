import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signBody } from '../../src/todoist/signature.js';
import { createPullSubscription, createTopic, pull } from '../support/emulators.js';
import { type FunctionProcess, startFunction } from '../support/functions.js';
import {
  FIXTURE_SECRET,
  fixtureBytes,
  fixtureNames,
  fixtureSignatures,
} from '../support/todoist-fake/fixtures.js';

const PROJECT = process.env['GOOGLE_CLOUD_PROJECT'] ?? 'demo-nts';

describe('todoistWebhook with the Pub/Sub emulator', () => {
  const host = process.env['PUBSUB_EMULATOR_HOST'] ?? '';
  const topic = `webhook-${randomUUID().slice(0, 8)}`;
  const probe = `${topic}-probe`;
  let receiver: FunctionProcess;

  beforeAll(async () => {
    await createTopic(host, PROJECT, topic);
    await createPullSubscription(host, PROJECT, probe, topic);
    receiver = await startFunction('todoistWebhook', {
      TODOIST_CLIENT_SECRET: FIXTURE_SECRET,
      PUBSUB_TOPIC: topic,
      PUBSUB_EMULATOR_HOST: host,
      GOOGLE_CLOUD_PROJECT: PROJECT,
    });
  });
  afterAll(async () => {
    await receiver?.kill();
  });

  const post = (body: Buffer, headers: Record<string, string>) =>
    fetch(receiver.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });

  it('every signed fixture is answered 200 and published byte for byte with its delivery id', async () => {
    const signatures = fixtureSignatures();
    const names = fixtureNames();
    expect(names.length).toBeGreaterThanOrEqual(9);
    for (const name of names) {
      const res = await post(fixtureBytes(name), {
        'x-todoist-hmac-sha256': signatures.get(name) ?? '',
        'x-todoist-delivery-id': `delivery-${name}`,
      });
      expect(res.status, name).toBe(200);
    }
    const received = new Map<string, { data: Buffer; attributes: Record<string, string> }>();
    const deadline = Date.now() + 15_000;
    while (received.size < names.length && Date.now() < deadline) {
      for (const m of await pull(host, PROJECT, probe, 50, 2_000))
        received.set(m.attributes['deliveryId'] ?? '', m);
    }
    for (const name of names) {
      const m = received.get(`delivery-${name}`);
      expect(m, name).toBeDefined();
      expect(m?.data.equals(fixtureBytes(name)), `${name} published unchanged`).toBe(true);
      expect(m?.attributes['eventName']).toBe(JSON.parse(fixtureBytes(name).toString('utf8')).event_name);
    }
  });

  it('a wrong or missing signature is 401 with no detail and nothing is published', async () => {
    const body = fixtureBytes('item-added.json');
    const wrong = await post(body, { 'x-todoist-hmac-sha256': signBody(body, 'not-the-secret') });
    const missing = await post(body, {});
    const tampered = Buffer.from(body);
    tampered[tampered.length - 3] = 0x20;
    const altered = await post(tampered, { 'x-todoist-hmac-sha256': signBody(body, FIXTURE_SECRET) });
    for (const res of [wrong, missing, altered]) {
      expect(res.status).toBe(401);
      expect(await res.text()).toBe('');
    }
    expect(await pull(host, PROJECT, probe, 10, 1_500)).toEqual([]);
  });

  it('non-POST is 405 and a body over 1 MiB is 413', async () => {
    expect((await fetch(receiver.url, { method: 'GET' })).status).toBe(405);
    const big = Buffer.from(JSON.stringify({ event_name: 'item:added', pad: 'x'.repeat(1024 * 1024) }));
    expect((await post(big, { 'x-todoist-hmac-sha256': signBody(big, FIXTURE_SECRET) })).status).toBe(413);
  });
});
