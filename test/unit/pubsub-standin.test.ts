import { afterEach, describe, expect, it } from 'vitest';
import { createRestPublisher } from '../../src/webhook/rest-publisher.js';
import { type PubSubStandin, startPubSubStandin } from '../support/pubsub-standin.js';

let standin: PubSubStandin | undefined;
afterEach(async () => {
  await standin?.close();
  standin = undefined;
});

describe('the Pub/Sub stand-in the benchmark publishes to', () => {
  it("stores what the webhook's REST publisher sends and answers with its message id", async () => {
    standin = await startPubSubStandin();
    const publish = createRestPublisher({
      topic: 'todoist-events',
      projectId: 'demo-nts',
      emulatorHost: standin.host,
      credentials: undefined,
    });

    const id = await publish(Buffer.from('{"event_name":"item:added"}'), { deliveryId: 'd-1' });

    expect(id).toBe('1');
    expect(standin.published()).toEqual([
      {
        topic: 'projects/demo-nts/topics/todoist-events',
        data: Buffer.from('{"event_name":"item:added"}'),
        attributes: { deliveryId: 'd-1' },
      },
    ]);
  });

  it('refuses a publish without messages and a path that is not a publish, as Pub/Sub does', async () => {
    standin = await startPubSubStandin();
    const base = `http://${standin.host}/v1/projects/p/topics/t`;

    const empty = await fetch(`${base}:publish`, { method: 'POST', body: '{"messages":[]}' });
    const other = await fetch(`${base}:pull`, { method: 'POST', body: '{}' });

    expect([empty.status, other.status]).toEqual([400, 404]);
    expect(standin.published()).toEqual([]);
  });
});
