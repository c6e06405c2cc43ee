import type { Config } from '../config/index.js';
import { createDeferredStore } from './deferred.js';
import { createMemoryStore } from './memory.js';
import type { StateStore } from './store.js';

export type { FirestoreStoreOptions } from './firestore.js';
export { createMemoryStore } from './memory.js';
export { isStateUsageError, StateUsageError } from './plain-data.js';
export { isStateError, StateError, type StateErrorCode, type StateStore, type Stored } from './store.js';

/**
 * Builds the configured adapter: Firestore (default, shared by instances) or memory (one process
 * only). The Firestore client is imported on the store's first call, not when this module loads.
 */
export function createStateStore(config: Config['state']): StateStore {
  if (config.store === 'memory') return createMemoryStore();
  return createDeferredStore(async () =>
    (await import('./firestore.js')).createFirestoreStore({
      projectId: config.projectId,
      emulatorHost: config.firestoreEmulatorHost,
      collectionPrefix: config.collectionPrefix,
    }),
  );
}
