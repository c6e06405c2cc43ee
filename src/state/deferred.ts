import type { StateStore } from './store.js';

/**
 * A store whose adapter is built on its first call, so a process that never touches the store
 * (or has not yet) does not pay for loading the database client. A failed build is tried again on
 * the next call; `close` before any call builds nothing.
 */
export function createDeferredStore(build: () => Promise<StateStore>): StateStore {
  let store: Promise<StateStore> | undefined;
  const ready = (): Promise<StateStore> => {
    store ??= build().catch((error: unknown) => {
      store = undefined;
      throw error;
    });
    return store;
  };
  return {
    get: async (collection, id) => (await ready()).get(collection, id),
    create: async (collection, id, data) => (await ready()).create(collection, id, data),
    update: async (collection, id, data, expectedVersion) =>
      (await ready()).update(collection, id, data, expectedVersion),
    remove: async (collection, id, expectedVersion) =>
      (await ready()).remove(collection, id, expectedVersion),
    list: async (collection) => (await ready()).list(collection),
    listSince: async (collection, field, sinceMs) => (await ready()).listSince(collection, field, sinceMs),
    async close() {
      if (store) await (await store).close();
    },
  };
}
