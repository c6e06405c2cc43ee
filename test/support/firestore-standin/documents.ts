/**
 * The stand-in's documents and the writes on them: create-if-absent, a one-write commit (replace or
 * delete, optionally under a precondition), listing and one range query. Each call runs to its end
 * without awaiting, so concurrent requests see each write whole, as Firestore's are.
 */
import {
  type Answer,
  alreadyExists,
  documentNotFound,
  isObject,
  ok,
  staleVersion,
  unsupported,
  type WireDocument,
} from './answers.js';
import { queryCollection } from './query.js';
import { createWriteClock, formatMicros, parseMicros } from './update-time.js';

interface StoredDocument {
  fields: Record<string, unknown>;
  createMicros: number;
  updateMicros: number;
}

/** A collection: `<documents root>/<collection id>` → its documents by id. */
type Collections = Map<string, Map<string, StoredDocument>>;

/** The document operations, by full document name (`projects/p/databases/(default)/documents/c/id`). */
export interface Documents {
  get(name: string): Answer;
  create(name: string, fields: Record<string, unknown>): Answer;
  commit(root: string, body: unknown): Answer;
  list(collection: string, pageSize: number, pageToken: string): Answer;
  query(root: string, body: unknown): Answer;
  clear(): void;
}

/** Drops empty `fields` and `values` (an empty map or array value), as the emulator stores them. */
function compact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(compact);
  if (!isObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    const empty = Array.isArray(inner)
      ? inner.length === 0
      : isObject(inner) && Object.keys(inner).length === 0;
    if (!((key === 'fields' || key === 'values') && empty)) out[key] = compact(inner);
  }
  return out;
}

function split(name: string): [string, string] {
  const at = name.lastIndexOf('/');
  return [name.slice(0, at), name.slice(at + 1)];
}

function wire(name: string, doc: StoredDocument): WireDocument {
  return {
    name,
    ...(Object.keys(doc.fields).length > 0 ? { fields: structuredClone(doc.fields) } : {}),
    createTime: formatMicros(doc.createMicros),
    updateTime: formatMicros(doc.updateMicros),
  };
}

/** An empty set of documents. */
export function createDocuments(now: () => number = Date.now): Documents {
  const collections: Collections = new Map();
  const nextMicros = createWriteClock(now);
  const find = (name: string): StoredDocument | undefined => {
    const [collection, id] = split(name);
    return collections.get(collection)?.get(id);
  };
  const put = (name: string, doc: StoredDocument | undefined): void => {
    const [collection, id] = split(name);
    const docs = collections.get(collection) ?? new Map<string, StoredDocument>();
    collections.set(collection, docs);
    if (doc) docs.set(id, doc);
    else docs.delete(id);
  };

  /** Checks a write's `currentDocument`; an answer when it does not hold. */
  function precondition(current: unknown, doc: StoredDocument | undefined): Answer | undefined {
    if (current === undefined) return undefined;
    if (!isObject(current)) return unsupported('a currentDocument that is not an object');
    if (typeof current['updateTime'] === 'string') {
      const required = parseMicros(current['updateTime']);
      if (required === undefined) return unsupported(`the updateTime ${current['updateTime']}`);
      return doc?.updateMicros === required ? undefined : staleVersion(doc?.updateMicros ?? 0, required);
    }
    // `exists` in a commit is not used by the adapter, and its answers were not recorded.
    return unsupported('a currentDocument precondition other than updateTime');
  }

  function commitOne(root: string, write: Record<string, unknown>): Answer {
    const update = write['update'];
    const target = isObject(update) ? update['name'] : write['delete'];
    if (typeof target !== 'string' || !target.startsWith(`${root}/`))
      return unsupported('a write that is neither an update nor a delete of a document here');
    const doc = find(target);
    const refused = precondition(write['currentDocument'], doc);
    if (refused) return refused;
    const micros = nextMicros();
    if (!isObject(update)) {
      put(target, undefined);
      return ok({ writeResults: [{}], commitTime: formatMicros(micros) });
    }
    if (write['updateMask'] !== undefined) return unsupported('an updateMask');
    const fields = isObject(update['fields']) ? (compact(update['fields']) as Record<string, unknown>) : {};
    put(target, { fields, createMicros: doc?.createMicros ?? micros, updateMicros: micros });
    const time = formatMicros(micros);
    return ok({ writeResults: [{ updateTime: time }], commitTime: time });
  }

  return {
    get(name) {
      const doc = find(name);
      return doc ? ok(wire(name, doc)) : documentNotFound(name);
    },
    create(name, fields) {
      if (find(name)) return alreadyExists(name);
      const micros = nextMicros();
      const doc = {
        fields: compact(fields) as Record<string, unknown>,
        createMicros: micros,
        updateMicros: micros,
      };
      put(name, doc);
      return ok(wire(name, doc));
    },
    commit(root, body) {
      const writes = isObject(body) ? body['writes'] : undefined;
      if (!Array.isArray(writes) || writes.length !== 1 || !isObject(writes[0]))
        return unsupported('a commit of other than exactly one write');
      if (isObject(body) && body['transaction'] !== undefined) return unsupported('transactions');
      return commitOne(root, writes[0]);
    },
    list(collection, pageSize, pageToken) {
      const docs = collections.get(collection) ?? new Map<string, StoredDocument>();
      const after = pageToken ? Buffer.from(pageToken, 'base64url').toString('utf8') : undefined;
      const ids = [...docs.keys()].sort().filter((id) => after === undefined || id > after);
      const page = ids.slice(0, pageSize);
      const documents = page.flatMap((id) => {
        const doc = docs.get(id);
        return doc ? [wire(`${collection}/${id}`, doc)] : [];
      });
      const last = page.at(-1);
      return ok({
        ...(documents.length > 0 ? { documents } : {}),
        // The emulator hands out a token whenever a page is full, even when nothing follows.
        ...(page.length === pageSize && last !== undefined
          ? { nextPageToken: Buffer.from(last, 'utf8').toString('base64url') }
          : {}),
      });
    },
    query(root, body) {
      const documentsOf = (collection: string): WireDocument[] =>
        [...(collections.get(collection) ?? new Map<string, StoredDocument>())].map(([id, doc]) =>
          wire(`${collection}/${id}`, doc),
        );
      return queryCollection(root, body, documentsOf, formatMicros(nextMicros()));
    },
    clear() {
      collections.clear();
    },
  };
}
