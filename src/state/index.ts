import type { Config } from '../config/index.js';
import { createFirestoreStore } from './firestore.js';
import { createMemoryStore } from './memory.js';
import type { StateStore } from './store.js';

export { createFirestoreStore, type FirestoreStoreOptions } from './firestore.js';
export { createMemoryStore } from './memory.js';
export { isStateUsageError, StateUsageError } from './plain-data.js';
export { isStateError, StateError, type StateErrorCode, type StateStore, type Stored } from './store.js';

/** Builds the configured adapter: Firestore (default, shared by instances) or memory (one process only). */
export function createStateStore(config: Config['state']): StateStore {
  if (config.store === 'memory') return createMemoryStore();
  return createFirestoreStore({
    projectId: config.projectId,
    emulatorHost: config.firestoreEmulatorHost,
    collectionPrefix: config.collectionPrefix,
  });
}
