import { describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/index.js';
import { createStateStore } from '../../src/state/index.js';
import { createMemoryStore } from '../../src/state/memory.js';
import { describeStoreContract } from '../support/store-contract.js';

describeStoreContract('memory', () => createMemoryStore());

describe('memory store', () => {
  it('is what createStateStore builds for STATE_STORE=memory', async () => {
    const state = { store: 'memory', collectionPrefix: 'nts' } as Config['state'];
    const store = createStateStore(state);
    await store.create('claims', 'a', { state: 'pending' });
    expect((await store.get('claims', 'a'))?.data).toEqual({ state: 'pending' });
    await store.close();
  });

  it('refuses to be used after close', async () => {
    const store = createMemoryStore();
    await store.close();
    await expect(store.get('claims', 'a')).rejects.toMatchObject({ code: 'state_usage' });
  });
});
