import type { StateStore } from '../../src/state/store.js';

/** A view of a store that notes every call it passes on (`create claims`), refused ones too. */
export function recordingStore(store: StateStore) {
  const calls: string[] = [];
  const note = (op: string, collection: string) => calls.push(`${op} ${collection}`);
  const view: StateStore = {
    get: async (...a) => {
      note('get', a[0]);
      return store.get(...a);
    },
    create: async (...a) => {
      note('create', a[0]);
      return store.create(...a);
    },
    update: async (...a) => {
      note('update', a[0]);
      return store.update(...a);
    },
    remove: async (...a) => {
      note('remove', a[0]);
      return store.remove(...a);
    },
    list: async (...a) => {
      note('list', a[0]);
      return store.list(...a);
    },
    listSince: async (...a) => {
      note('listSince', a[0]);
      return store.listSince(...a);
    },
    close: () => store.close(),
  };
  return { view, calls };
}
