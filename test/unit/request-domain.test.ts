import { create as createDomain, type Domain } from 'node:domain';
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { createFunctionHandlers } from '../../src/functions.js';
import { createLogger } from '../../src/log/logger.js';
import { leaveRequestDomain } from '../../src/request-domain.js';
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
});
