import type { Config } from '../config/index.js';
import { isMetadataError, metadataCredentials } from '../gcp/metadata-server.js';
import { createDeferredStore } from './deferred.js';
import { createFirestoreRestStore } from './firestore-rest.js';
import { createMemoryStore } from './memory.js';
import type { StateStore } from './store.js';

export type { FirestoreStoreOptions } from './firestore.js';
export { createMemoryStore } from './memory.js';
export { isStateUsageError, StateUsageError } from './plain-data.js';
export { isStateError, StateError, type StateErrorCode, type StateStore, type Stored } from './store.js';

/**
 * Builds the configured adapter: Firestore (default, shared by instances) or memory (one process
 * only). Firestore is reached over REST on the emulator and on Google Cloud (token from the
 * metadata server); the client library, imported only then, serves where there is no metadata
 * server (a laptop with Application Default Credentials). The choice is made on the first call.
 */
export function createStateStore(config: Config['state']): StateStore {
  if (config.store === 'memory') return createMemoryStore();
  const rest = { projectId: config.projectId, collectionPrefix: config.collectionPrefix };
  if (config.firestoreEmulatorHost)
    return createFirestoreRestStore({
      ...rest,
      emulatorHost: config.firestoreEmulatorHost,
      credentials: undefined,
    });
  return createDeferredStore(async () => {
    const credentials = metadataCredentials();
    try {
      await credentials.token();
      return createFirestoreRestStore({ ...rest, emulatorHost: undefined, credentials });
    } catch (error) {
      if (!isMetadataError(error)) throw error;
      return (await import('./firestore.js')).createFirestoreStore({ ...rest, emulatorHost: undefined });
    }
  });
}
