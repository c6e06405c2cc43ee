import {
  type DocumentReference,
  type DocumentSnapshot,
  FieldValue,
  Firestore,
} from '@google-cloud/firestore';
import { decodeVersion, encodeVersion, expiryOf, translateError } from './firestore-codec.js';
import { assertCollection, assertDocId, clonePlain, StateUsageError } from './plain-data.js';
import { StateError, type StateStore, type Stored } from './store.js';

export interface FirestoreStoreOptions {
  /** Google Cloud project; on Cloud Run it may be left to discovery. */
  projectId: string | undefined;
  /** `host:port` of the emulator (no `http://`); `FIRESTORE_EMULATOR_HOST` wins when set. */
  emulatorHost?: string | undefined;
  /** Collections are named `${collectionPrefix}_${collection}`. */
  collectionPrefix: string;
}

/** Projects starting with `demo-` are emulator-only by convention; used when none is configured. */
const EMULATOR_PROJECT = 'demo-nts';

/**
 * The emulator ignores credentials, but without any the client looks for Application Default
 * Credentials and probes the GCE metadata server (network, a warning, a delay). Placeholder
 * service-account fields stop that; over the emulator's plain channel nothing is ever signed.
 */
const EMULATOR_CREDENTIALS = { client_email: 'emulator@demo-nts.invalid', private_key: 'unused' };

/**
 * Firestore adapter. Each document is stored as `{ d: <payload>, expireAt?: Timestamp }`: one map
 * field lets `update` replace the payload wholesale (keys the new data lacks disappear), and the
 * top-level `expireAt` (from the payload's epoch-ms `expireAt`) serves a Firestore TTL policy.
 * The version is the document's `updateTime`; every conditional write is a single `create()` or a
 * `lastUpdateTime` precondition, never a transaction (callbacks re-run; emulator locks last 30 s).
 */
export function createFirestoreStore(options: FirestoreStoreOptions): StateStore {
  const emulator = options.emulatorHost;
  const db = new Firestore({
    projectId: options.projectId ?? (emulator ? EMULATOR_PROJECT : undefined),
    ignoreUndefinedProperties: true,
    ...(emulator ? { host: emulator, ssl: false, credentials: EMULATOR_CREDENTIALS } : {}),
  });

  function ref(collection: string, id: string): DocumentReference {
    assertCollection(collection);
    assertDocId(id);
    return db.collection(`${options.collectionPrefix}_${collection}`).doc(id);
  }

  function stored<T extends object>(snap: DocumentSnapshot): Stored<T> {
    const data: unknown = snap.get('d');
    if (typeof data !== 'object' || data === null || Array.isArray(data) || !snap.updateTime) {
      throw new StateUsageError(`${snap.ref.path} has no payload map "d"; it was not written by this store`);
    }
    return { data: data as T, version: encodeVersion(snap.updateTime) };
  }

  async function exists(doc: DocumentReference): Promise<boolean> {
    return (await doc.get()).exists;
  }

  async function run<R>(what: string, work: () => Promise<R>): Promise<R> {
    try {
      return await work();
    } catch (error) {
      throw translateError(error, what);
    }
  }

  // Methods are async so even a usage error arrives as a rejection, never a synchronous throw.
  return {
    async get<T extends object>(collection: string, id: string): Promise<Stored<T> | undefined> {
      const doc = ref(collection, id);
      return run(`get ${doc.path}`, async () => {
        const snap = await doc.get();
        return snap.exists ? stored<T>(snap) : undefined;
      });
    },

    async create<T extends object>(collection: string, id: string, data: T): Promise<Stored<T>> {
      const doc = ref(collection, id);
      const payload = clonePlain(data);
      const expireAt = expiryOf(payload);
      return run(`create ${doc.path}`, async () => {
        const result = await doc.create(expireAt ? { d: payload, expireAt } : { d: payload });
        return { data: clonePlain(payload), version: encodeVersion(result.writeTime) };
      });
    },

    async update<T extends object>(
      collection: string,
      id: string,
      data: T,
      expectedVersion: string,
    ): Promise<Stored<T>> {
      const doc = ref(collection, id);
      const payload = clonePlain(data);
      const lastUpdateTime = decodeVersion(expectedVersion);
      return run(`update ${doc.path}`, async () => {
        try {
          const fields = { d: payload, expireAt: expiryOf(payload) ?? FieldValue.delete() };
          const result = await doc.update(fields, { lastUpdateTime });
          return { data: clonePlain(payload), version: encodeVersion(result.writeTime) };
        } catch (error) {
          const translated = translateError(error, `update ${doc.path}`);
          // A precondition on a missing document may surface as either code; report what happened.
          if (
            translated instanceof StateError &&
            translated.code === 'precondition_failed' &&
            !(await exists(doc))
          ) {
            throw new StateError('not_found', `update ${doc.path}: the document does not exist`, error);
          }
          throw translated;
        }
      });
    },

    async remove(collection: string, id: string, expectedVersion?: string): Promise<void> {
      const doc = ref(collection, id);
      const lastUpdateTime = expectedVersion === undefined ? undefined : decodeVersion(expectedVersion);
      return run(`remove ${doc.path}`, async () => {
        try {
          await (lastUpdateTime ? doc.delete({ lastUpdateTime }) : doc.delete());
        } catch (error) {
          const translated = translateError(error, `remove ${doc.path}`);
          // Removing what is already gone is not an error, whatever the precondition said.
          if (translated instanceof StateError && translated.code !== 'unavailable' && !(await exists(doc)))
            return;
          throw translated;
        }
      });
    },

    async list<T extends object>(collection: string): Promise<Array<{ id: string } & Stored<T>>> {
      assertCollection(collection);
      const col = db.collection(`${options.collectionPrefix}_${collection}`);
      return run(`list ${col.path}`, async () => {
        const snap = await col.get();
        return snap.docs.map((d) => ({ id: d.id, ...stored<T>(d) }));
      });
    },

    async listSince<T extends object>(collection: string, field: string, sinceMs: number) {
      assertCollection(collection);
      const col = db.collection(`${options.collectionPrefix}_${collection}`);
      return run(`list ${col.path} since ${sinceMs}`, async () => {
        const snap = await col.where(`d.${field}`, '>=', sinceMs).get();
        return snap.docs.map((d) => ({ id: d.id, ...stored<T>(d) }));
      });
    },

    async close(): Promise<void> {
      return db.terminate();
    },
  };
}
