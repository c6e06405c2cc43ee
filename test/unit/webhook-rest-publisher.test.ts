import { describe, expect, it } from 'vitest';
import { isMetadataError, metadataCredentials } from '../../src/gcp/metadata-server.js';
import { choosePublisher } from '../../src/webhook/publisher-choice.js';
import { createRestPublisher } from '../../src/webhook/rest-publisher.js';

interface Call {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
}

/** A stand-in for Google's endpoints: the metadata server and Pub/Sub's publish, answering from `reply`. */
function google(reply: (call: Call) => Response) {
  const calls: Call[] = [];
  const fetchImpl = (async (url: string | URL, init: RequestInit = {}) => {
    const call: Call = {
      url: String(url),
      method: init.method ?? 'GET',
      headers: (init.headers ?? {}) as Record<string, string>,
      body: init.body as string | undefined,
    };
    calls.push(call);
    return reply(call);
  }) as typeof fetch;
  return { calls, fetchImpl };
}

const json = (value: unknown, status = 200) => new Response(JSON.stringify(value), { status });

function onCloudRun(publishReply: (call: Call) => Response = () => json({ messageIds: ['m1'] })) {
  return google((call) => {
    if (call.url.endsWith('/token')) return json({ access_token: 'tok', expires_in: 3600 });
    if (call.url.endsWith('/project-id')) return new Response('proj-from-metadata');
    return publishReply(call);
  });
}

describe('publishing a webhook over REST', () => {
  it('stores the raw bytes base64-encoded with their attributes, authenticated by the instance token', async () => {
    const g = onCloudRun();
    const publish = createRestPublisher({
      topic: 'todoist-events',
      projectId: 'p1',
      emulatorHost: undefined,
      credentials: metadataCredentials(g.fetchImpl),
      fetchImpl: g.fetchImpl,
    });

    const id = await publish(Buffer.from('{"event_name":"item:added"}'), { deliveryId: 'd1' });

    expect(id).toBe('m1');
    const sent = g.calls.find((c) => c.url.includes(':publish'));
    expect(sent?.url).toBe('https://pubsub.googleapis.com/v1/projects/p1/topics/todoist-events:publish');
    expect(sent?.headers['authorization']).toBe('Bearer tok');
    expect(JSON.parse(sent?.body ?? '{}')).toEqual({
      messages: [
        {
          data: Buffer.from('{"event_name":"item:added"}').toString('base64'),
          attributes: { deliveryId: 'd1' },
        },
      ],
    });
  });

  it('asks the metadata server for the token once, and for the project only when none is configured', async () => {
    const g = onCloudRun();
    const publish = createRestPublisher({
      topic: 'todoist-events',
      projectId: undefined,
      emulatorHost: undefined,
      credentials: metadataCredentials(g.fetchImpl),
      fetchImpl: g.fetchImpl,
    });

    await Promise.all([publish(Buffer.from('a'), {}), publish(Buffer.from('b'), {})]);

    expect(g.calls.filter((c) => c.url.endsWith('/token'))).toHaveLength(1);
    expect(g.calls.filter((c) => c.url.includes('/projects/proj-from-metadata/topics/'))).toHaveLength(2);
  });

  it('talks plain HTTP without credentials to the emulator, and a full topic name carries its project', async () => {
    const g = google(() => json({ messageIds: ['e1'] }));
    const publish = createRestPublisher({
      topic: 'projects/demo-x/topics/t',
      projectId: 'other',
      emulatorHost: '127.0.0.1:8085',
      credentials: undefined,
      fetchImpl: g.fetchImpl,
    });

    expect(await publish(Buffer.from('x'), {})).toBe('e1');
    expect(g.calls).toHaveLength(1);
    expect(g.calls[0]?.url).toBe('http://127.0.0.1:8085/v1/projects/demo-x/topics/t:publish');
    expect(g.calls[0]?.headers['authorization']).toBeUndefined();
  });

  it('tries again after a 503, but not after a 403', async () => {
    let publishes = 0;
    const flaky = onCloudRun(() => (++publishes === 1 ? json({}, 503) : json({ messageIds: ['m2'] })));
    const options = { topic: 't', projectId: 'p', emulatorHost: undefined, sleep: async () => {} };
    const retried = createRestPublisher({
      ...options,
      credentials: metadataCredentials(flaky.fetchImpl),
      fetchImpl: flaky.fetchImpl,
    });
    expect(await retried(Buffer.from('x'), {})).toBe('m2');
    expect(publishes).toBe(2);

    const denied = onCloudRun(() => json({ error: { status: 'PERMISSION_DENIED' } }, 403));
    const refused = createRestPublisher({
      ...options,
      credentials: metadataCredentials(denied.fetchImpl),
      fetchImpl: denied.fetchImpl,
    });
    await expect(refused(Buffer.from('x'), {})).rejects.toMatchObject({ code: 'publish_failed' });
    expect(denied.calls.filter((c) => c.url.includes(':publish'))).toHaveLength(1);
  });

  it('says when there is no metadata server, so the webhook can fall back to the client library', async () => {
    const offCloud = google(() => {
      throw new TypeError('fetch failed', { cause: { code: 'ENOTFOUND' } });
    });
    const error = await metadataCredentials(offCloud.fetchImpl)
      .token()
      .catch((e: unknown) => e);
    expect(isMetadataError(error)).toBe(true);
  });

  it('once on Google Cloud, a failing metadata server is a failed publish, not a switch of client', async () => {
    let tokenCalls = 0;
    const g = google((call) => {
      if (call.url.endsWith('/token'))
        return ++tokenCalls === 1 ? json({ access_token: 'tok', expires_in: 1 }) : json({}, 500);
      return json({ messageIds: ['m1'] });
    });
    const publish = choosePublisher({ topic: 't', projectId: 'p', emulatorHost: undefined }, g.fetchImpl);
    expect(await publish(Buffer.from('x'), {})).toBe('m1');
    // The one-second token has lapsed (renewal starts a minute early): the next publish asks again.
    await expect(publish(Buffer.from('y'), {})).rejects.toMatchObject({ code: 'metadata_unavailable' });
  });
});
