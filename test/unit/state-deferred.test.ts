import { describe, expect, it } from 'vitest';
import { createDeferredStore } from '../../src/state/deferred.js';
import { createMemoryStore } from '../../src/state/memory.js';
import type { StateStore } from '../../src/state/store.js';
import { describeStoreContract } from '../support/store-contract.js';

describeStoreContract('deferred memory', () => createDeferredStore(async () => createMemoryStore()));

function counted(fail = 0): { builds: () => number; build: () => Promise<StateStore> } {
  let builds = 0;
  return {
    builds: () => builds,
    build: async () => {
      builds += 1;
      if (builds <= fail) throw new Error('client failed to load');
      return createMemoryStore();
    },
  };
}

describe('a store built on first use', () => {
  it('loads no database client until the first call, and only once', async () => {
    const adapter = counted();
    const store = createDeferredStore(adapter.build);
    expect(adapter.builds()).toBe(0);

    await Promise.all([store.get('claims', 'a'), store.create('claims', 'b', { state: 'pending' })]);

    expect(adapter.builds()).toBe(1);
    expect((await store.get('claims', 'b'))?.data).toEqual({ state: 'pending' });
  });

  it('tries the client again on the next call after a failed load', async () => {
    const adapter = counted(1);
    const store = createDeferredStore(adapter.build);

    await expect(store.get('claims', 'a')).rejects.toThrow('client failed to load');
    await expect(store.get('claims', 'a')).resolves.toBeUndefined();
    expect(adapter.builds()).toBe(2);
  });

  it('closing a store never used builds nothing', async () => {
    const adapter = counted();
    await createDeferredStore(adapter.build).close();
    expect(adapter.builds()).toBe(0);
  });
});
