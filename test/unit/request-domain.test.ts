import { create as createDomain, type Domain } from 'node:domain';
import { EventEmitter } from 'node:events';
import type { AddressInfo } from 'node:net';
import * as functions from '@google-cloud/functions-framework';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import { describe, expect, it } from 'vitest';
import { createFunctionHandlers } from '../../src/functions.js';
import { createLogger } from '../../src/log/logger.js';
import { leaveRequestDomain } from '../../src/request-domain.js';
import { pushMessage } from '../support/functions.js';
import { POISON_EVENT, serveTarget } from '../support/serving-sync.js';

const activeDomain = () => (process as { domain?: Domain | null }).domain ?? undefined;
const emitterDomain = (e: EventEmitter) => (e as { domain?: Domain | null }).domain ?? undefined;

/** Runs `work` the way functions-framework runs a handler: in a new domain, on the next tick. */
function inRequestDomain<T>(work: () => T): Promise<{ domain: Domain; result: T }> {
  const domain = createDomain();
  return new Promise((resolve) =>
    domain.run(() => process.nextTick(() => resolve({ domain, result: work() }))),
  );
}

describe("an event's work runs outside functions-framework's per-request domain", () => {
  it('what is made after leaving belongs to no domain, while what was made before keeps it', async () => {
    const { domain, result } = await inRequestDomain(() => {
      const before = new EventEmitter();
      leaveRequestDomain();
      const after = new EventEmitter();
      const inTimer = new Promise<Domain | undefined>((resolve) =>
        setTimeout(() => resolve(activeDomain()), 1),
      );
      return { before, after, now: activeDomain(), inTimer };
    });

    expect(emitterDomain(result.before)).toBe(domain);
    expect(result.now).toBeUndefined();
    expect(emitterDomain(result.after)).toBeUndefined();
    expect(await result.inTimer).toBeUndefined();
  });

  it('outside any domain, leaving does nothing', () => {
    expect(activeDomain()).toBeUndefined();
    expect(() => leaveRequestDomain()).not.toThrow();
  });

  it('a served sync instance called inside a request domain does its event and after-work outside it', async () => {
    const serve = serveTarget('syncTodoistEvent');
    let releasedIn: Domain | undefined | 'not yet' = 'not yet';
    // The GC hold's release is scheduled by the event's own code, after its work: where it runs shows where that code ran.
    const handlers = createFunctionHandlers(serve, createLogger({ sink: () => undefined }), (flags) => {
      if (flags === '--incremental-marking') releasedIn = activeDomain();
    });

    const { result } = await inRequestDomain(() =>
      handlers.syncTodoistEvent(POISON_EVENT).catch(() => undefined),
    );
    await result;
    await new Promise((resolve) => setImmediate(resolve));

    expect(releasedIn).toBeUndefined();
  });

  it('an event that fails after leaving is still answered 500 by functions-framework, so Pub/Sub delivers it again', async () => {
    functions.cloudEvent('leavesThenFails', async () => {
      leaveRequestDomain();
      await new Promise((resolve) => setTimeout(resolve, 1));
      throw new Error('the event could not be applied');
    });
    functions.cloudEvent('leavesThenSucceeds', async () => {
      leaveRequestDomain();
      await new Promise((resolve) => setTimeout(resolve, 1));
    });
    const statusOf = async (name: string) => {
      const server = getTestServer(name);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        const { port } = server.address() as AddressInfo;
        return await pushMessage(`http://127.0.0.1:${port}`, { body: '{}', messageId: name });
      } finally {
        await new Promise((resolve) => server.close(resolve));
      }
    };

    expect(await statusOf('leavesThenFails')).toBe(500);
    expect(await statusOf('leavesThenSucceeds')).toBeLessThan(300);
  });

  it('the webhooks keep their request domain; the Pub/Sub functions leave it', async () => {
    const left: string[] = [];
    const env = {
      ...serveTarget('syncTodoistEvent').env,
      TODOIST_CLIENT_SECRET: 'client-secret',
      PUBSUB_TOPIC: 'todoist',
    };
    const handlers = createFunctionHandlers(
      serveTarget('helloWorld', env),
      createLogger({ sink: () => undefined }),
      () => undefined,
      () => left.push('left'),
    );

    await handlers.syncTodoistEvent(POISON_EVENT).catch(() => undefined);
    expect(left).toEqual(['left']);
    const res = { status: () => res, send: () => res, set: () => res, end: () => res };
    await handlers
      .todoistWebhook({ method: 'GET', headers: {}, get: () => undefined } as never, res as never)
      .catch(() => undefined);
    expect(left).toEqual(['left']);
  });
});
