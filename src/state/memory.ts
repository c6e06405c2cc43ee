import { assertCollection, assertDocId, clonePlain, StateUsageError } from './plain-data.js';
import { StateError, type StateStore, type Stored } from './store.js';

interface Entry {
  data: object;
  version: string;
}

/**
 * A StateStore in one process's memory (local runs, demo, unit tests). Same rules as the Firestore
 * adapter: safe ids, plain data deep-copied in and out, conditional writes. Versions come from one
 * store-wide counter, so a document removed and created again never matches an old version.
 */
export function createMemoryStore(): StateStore {
  const collections = new Map<string, Map<string, Entry>>();
  let counter = 0;
  let closed = false;

  function docs(collection: string): Map<string, Entry> {
    if (closed) throw new StateUsageError('the memory store is closed');
    assertCollection(collection);
    let map = collections.get(collection);
    if (!map) {
      map = new Map();
      collections.set(collection, map);
    }
    return map;
  }

  function write<T extends object>(map: Map<string, Entry>, id: string, data: T): Stored<T> {
    counter += 1;
    const entry: Entry = { data: clonePlain(data), version: String(counter) };
    map.set(id, entry);
    return { data: clonePlain(entry.data) as T, version: entry.version };
  }

  // Each method checks and writes in one synchronous step, so concurrent calls cannot interleave.
  return {
    async get<T extends object>(collection: string, id: string): Promise<Stored<T> | undefined> {
      assertDocId(id);
      const entry = docs(collection).get(id);
      return entry && { data: clonePlain(entry.data) as T, version: entry.version };
    },

    async create<T extends object>(collection: string, id: string, data: T): Promise<Stored<T>> {
      assertDocId(id);
      const map = docs(collection);
      if (map.has(id)) throw new StateError('already_exists', `${collection}/${id} already exists`);
      return write(map, id, data);
    },

    async update<T extends object>(
      collection: string,
      id: string,
      data: T,
      expectedVersion: string,
    ): Promise<Stored<T>> {
      assertDocId(id);
      const map = docs(collection);
      const entry = map.get(id);
      if (!entry) throw new StateError('not_found', `${collection}/${id} does not exist`);
      if (entry.version !== expectedVersion) {
        throw new StateError(
          'precondition_failed',
          `${collection}/${id} changed since version ${expectedVersion}`,
        );
      }
      return write(map, id, data);
    },

    async remove(collection: string, id: string, expectedVersion?: string): Promise<void> {
      assertDocId(id);
      const map = docs(collection);
      const entry = map.get(id);
      if (!entry) return;
      if (expectedVersion !== undefined && entry.version !== expectedVersion) {
        throw new StateError(
          'precondition_failed',
          `${collection}/${id} changed since version ${expectedVersion}`,
        );
      }
      map.delete(id);
    },

    async list<T extends object>(collection: string): Promise<Array<{ id: string } & Stored<T>>> {
      return [...docs(collection)].map(([id, entry]) => ({
        id,
        data: clonePlain(entry.data) as T,
        version: entry.version,
      }));
    },

    async listSince<T extends object>(collection: string, field: string, sinceMs: number) {
      const since = (entry: Entry) => {
        const value: unknown = (entry.data as Record<string, unknown>)[field];
        return typeof value === 'number' && value >= sinceMs;
      };
      return [...docs(collection)]
        .filter(([, entry]) => since(entry))
        .map(([id, entry]) => ({ id, data: clonePlain(entry.data) as T, version: entry.version }));
    },

    async close(): Promise<void> {
      closed = true;
      collections.clear();
    },
  };
}
