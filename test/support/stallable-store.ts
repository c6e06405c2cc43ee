import type { StateStore } from '../../src/state/store.js';

/** A view of a store that can be stalled: every call waits until `resume()` (the store unreachable, or its caller dead). */
export function stallable(store: StateStore) {
  let gate: Promise<void> | undefined;
  let open = () => {};
  const pass = async () => {
    while (gate) await gate;
  };
  const view: StateStore = {
    get: async (...a) => {
      await pass();
      return store.get(...a);
    },
    create: async (...a) => {
      await pass();
      return store.create(...a);
    },
    update: async (...a) => {
      await pass();
      return store.update(...a);
    },
    remove: async (...a) => {
      await pass();
      return store.remove(...a);
    },
    list: async (...a) => {
      await pass();
      return store.list(...a);
    },
    listSince: async (...a) => {
      await pass();
      return store.listSince(...a);
    },
    close: () => store.close(),
  };
  return {
    view,
    stall() {
      gate ??= new Promise((r) => {
        open = r;
      });
    },
    resume() {
      gate = undefined;
      open();
    },
  };
}
