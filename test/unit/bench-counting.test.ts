import { describe, expect, it } from 'vitest';
import { countingStore } from '../../scripts/lib/counting-store.js';
import { createKillSwitch } from '../../scripts/lib/kill-switch.js';
import { createMemoryStore } from '../../src/state/memory.js';
import { isStateError } from '../../src/state/store.js';

describe('the benchmark counts Firestore operations the way Firestore bills them', () => {
  it('a get is one read whether or not the document exists; create, update are writes; remove a delete', async () => {
    const store = countingStore(createMemoryStore());

    expect(await store.get('ledger', 'a')).toBeUndefined();
    const made = await store.create('ledger', 'a', { state: 'processing' });
    await store.get('ledger', 'a');
    await store.update('ledger', 'a', { state: 'done' }, made.version);
    await store.remove('ledger', 'a');

    expect(store.counts()).toEqual({ reads: 2, writes: 2, deletes: 1, calls: 5 });
    expect(store.byCollection()).toEqual({ ledger: { reads: 2, writes: 2, deletes: 1 } });
  });

  it('a create that loses to an existing document still counts as the write it attempted', async () => {
    const store = countingStore(createMemoryStore());
    await store.create('ledger', 'a', { state: 'done' });

    const lost = await store.create('ledger', 'a', { state: 'processing' }).catch((error: unknown) => error);

    expect(isStateError(lost, 'already_exists')).toBe(true);
    expect(store.counts().writes).toBe(2);
  });

  it('a listing is one read per document returned, and one when the collection is empty', async () => {
    const store = countingStore(createMemoryStore());
    await store.list('entities');
    for (const id of ['a', 'b', 'c']) await store.create('entities', id, { id });

    await store.list('entities');

    expect(store.counts()).toMatchObject({ reads: 1 + 3, calls: 1 + 3 + 1 });
  });
});

describe('the benchmark kills a process in the middle of its work', () => {
  it('after kill() every call fails at once, and an answer still in flight is lost', async () => {
    const crash = createKillSwitch();
    let release: () => void = () => {};
    const inner = {
      slow: () =>
        new Promise<string>((resolve) => {
          release = () => resolve('landed');
        }),
      fast: async () => 'ok',
    };
    const service = crash.wrap(inner);

    expect(await service.fast()).toBe('ok');
    const inFlight = service.slow().catch((error: unknown) => error);
    crash.kill();
    release();

    expect(await inFlight).toMatchObject({ code: 'process_killed' });
    expect(() => service.fast()).toThrow(/killed/);
    expect(crash.killed()).toBe(true);
  });
});
