/**
 * The Firestore adapter over Firestore's REST API and node:http (see http/node-fetch). Same document layout
 * and conditional writes as the client-library adapter (firestore.ts): `{ d: payload, expireAt? }`,
 * `create` with `currentDocument.exists=false`, replace and delete with `currentDocument.updateTime`.
 * The client library loads gRPC and google-gax (over half a second of a cold start here) for
 * these five calls, so the sync uses REST wherever it can authenticate without it.
 */
import type { Credentials } from '../gcp/metadata-server.js';
import { createNodeFetch, type HttpFetch, type HttpResponse } from '../http/node-fetch.js';
import { translateError } from './firestore-errors.js';
import { decodeFields, encodeFields, type RestValue } from './firestore-rest-values.js';
import { assertCollection, assertDocId, clonePlain, StateUsageError } from './plain-data.js';
import { StateError, type StateStore, type Stored } from './store.js';

export interface FirestoreRestOptions {
  projectId: string | undefined;
  /** `host:port` of the emulator: plain HTTP, admin access (`Bearer owner`). */
  emulatorHost: string | undefined;
  collectionPrefix: string;
  /** Token (and project, when not configured) source on Google Cloud; unused on the emulator. */
  credentials: Credentials | undefined;
  /** The transport; a keep-alive node:http one of its own by default. */
  fetchImpl?: HttpFetch;
}

interface RestDocument {
  name: string;
  fields?: Record<string, RestValue>;
  updateTime?: string;
}

const TIMEOUT_MS = 10_000;

/** An error answer in the shape `translateError` reads (`code` = the REST status name). */
function restFailure(status: number, body: string, what: string): unknown {
  let name: string | undefined;
  try {
    name = (JSON.parse(body) as { error?: { status?: string } }).error?.status;
  } catch {
    name = undefined;
  }
  const error = Object.assign(new Error(`${what}: HTTP ${status} ${body.slice(0, 200)}`), {
    code: name ?? status,
  });
  return translateError(error, what);
}

/** Builds the REST adapter. */
export function createFirestoreRestStore(options: FirestoreRestOptions): StateStore {
  const fetchImpl = options.fetchImpl ?? createNodeFetch();
  const base = options.emulatorHost
    ? `http://${options.emulatorHost}/v1`
    : 'https://firestore.googleapis.com/v1';
  let root: Promise<string> | undefined;
  const documents = (): Promise<string> => {
    root ??= (async () => {
      const project = options.projectId ?? (await options.credentials?.projectId());
      if (!project) throw new StateUsageError('no Google Cloud project for Firestore');
      return `projects/${project}/databases/(default)/documents`;
    })().catch((error: unknown) => {
      root = undefined;
      throw error;
    });
    return root;
  };
  const collectionPath = (collection: string): string => {
    assertCollection(collection);
    return `${options.collectionPrefix}_${collection}`;
  };

  async function call(method: string, path: string, what: string, body?: unknown): Promise<unknown> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (options.emulatorHost) headers['authorization'] = 'Bearer owner';
    else if (options.credentials) headers['authorization'] = `Bearer ${await options.credentials.token()}`;
    let res: HttpResponse;
    try {
      res = await fetchImpl(`${base}/${await documents()}${path.startsWith(':') ? '' : '/'}${path}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (cause) {
      throw new StateError('unavailable', `${what}: ${(cause as Error).message}`, cause);
    }
    const text = await res.text();
    if (res.status === 404 && method === 'GET') return undefined;
    if (!res.ok) throw restFailure(res.status, text, what);
    return text ? (JSON.parse(text) as unknown) : undefined;
  }

  function stored<T extends object>(doc: RestDocument, path: string): Stored<T> {
    const d = doc.fields?.['d'];
    if (!d || !('mapValue' in d) || !doc.updateTime)
      throw new StateUsageError(`${path} has no payload map "d"; it was not written by this store`);
    return { data: decodeFields(d.mapValue.fields ?? {}) as T, version: doc.updateTime };
  }

  /** A document of a listing or a query, with its id. */
  function listed<T extends object>(doc: RestDocument): { id: string } & Stored<T> {
    return {
      id: decodeURIComponent(doc.name.slice(doc.name.lastIndexOf('/') + 1)),
      ...stored<T>(doc, doc.name),
    };
  }

  function fieldsOf(payload: object): Record<string, RestValue> {
    const expireAt: unknown = (payload as Record<string, unknown>)['expireAt'];
    const fields = encodeFields({ d: payload });
    if (typeof expireAt === 'number' && Number.isFinite(expireAt))
      fields['expireAt'] = { timestampValue: new Date(expireAt).toISOString() };
    return fields;
  }

  const docPath = (collection: string, id: string): string => {
    assertDocId(id);
    return `${collectionPath(collection)}/${encodeURIComponent(id)}`;
  };
  const nameOf = async (path: string): Promise<string> => `${await documents()}/${path}`;
  // The emulator ignores an updateTime precondition given in the query string; a commit carries it in the body.
  const commit = async (write: object, what: string): Promise<string> => {
    const result = (await call('POST', ':commit', what, { writes: [write] })) as {
      writeResults?: Array<{ updateTime?: string }>;
      commitTime?: string;
    };
    return result.writeResults?.[0]?.updateTime ?? result.commitTime ?? '';
  };
  const exists = async (path: string): Promise<boolean> =>
    (await call('GET', path, `get ${path}`)) !== undefined;

  /** One `runQuery` with a range filter on the payload field; the answer is a stream of results. */
  async function listSince<T extends object>(path: string, field: string, sinceMs: number) {
    const query = {
      structuredQuery: {
        from: [{ collectionId: path }],
        where: {
          fieldFilter: {
            field: { fieldPath: `d.${field}` },
            op: 'GREATER_THAN_OR_EQUAL',
            value: encodeFields({ v: sinceMs })['v'],
          },
        },
      },
    };
    const rows = (await call('POST', ':runQuery', `list ${path} since ${sinceMs}`, query)) as
      | Array<{ document?: RestDocument }>
      | undefined;
    return (rows ?? []).flatMap(({ document: doc }) => (doc ? [listed<T>(doc)] : []));
  }

  return {
    async get<T extends object>(collection: string, id: string) {
      const path = docPath(collection, id);
      const doc = (await call('GET', path, `get ${path}`)) as RestDocument | undefined;
      return doc ? stored<T>(doc, path) : undefined;
    },
    async create<T extends object>(collection: string, id: string, data: T) {
      const path = docPath(collection, id);
      const payload = clonePlain(data);
      const doc = (await call('PATCH', `${path}?currentDocument.exists=false`, `create ${path}`, {
        fields: fieldsOf(payload),
      })) as RestDocument;
      return { data: clonePlain(payload), version: doc.updateTime ?? '' };
    },
    async update<T extends object>(collection: string, id: string, data: T, expectedVersion: string) {
      const path = docPath(collection, id);
      const payload = clonePlain(data);
      try {
        const version = await commit(
          {
            update: { name: await nameOf(path), fields: fieldsOf(payload) },
            currentDocument: { updateTime: expectedVersion },
          },
          `update ${path}`,
        );
        return { data: clonePlain(payload), version };
      } catch (error) {
        if (error instanceof StateError && error.code === 'precondition_failed' && !(await exists(path)))
          throw new StateError('not_found', `update ${path}: the document does not exist`, error);
        throw error;
      }
    },
    async remove(collection: string, id: string, expectedVersion?: string) {
      const path = docPath(collection, id);
      try {
        await commit(
          {
            delete: await nameOf(path),
            ...(expectedVersion === undefined ? {} : { currentDocument: { updateTime: expectedVersion } }),
          },
          `remove ${path}`,
        );
      } catch (error) {
        // Removing what is already gone is not an error, whatever the precondition said.
        if (error instanceof StateError && error.code !== 'unavailable' && !(await exists(path))) return;
        throw error;
      }
    },
    async list<T extends object>(collection: string) {
      const path = collectionPath(collection);
      const out: Array<{ id: string } & Stored<T>> = [];
      let token = '';
      do {
        const page = (await call(
          'GET',
          `${path}?pageSize=300${token ? `&pageToken=${encodeURIComponent(token)}` : ''}`,
          `list ${path}`,
        )) as { documents?: RestDocument[]; nextPageToken?: string } | undefined;
        for (const doc of page?.documents ?? []) out.push(listed<T>(doc));
        token = page?.nextPageToken ?? '';
      } while (token);
      return out;
    },
    listSince<T extends object>(collection: string, field: string, sinceMs: number) {
      return listSince<T>(collectionPath(collection), field, sinceMs);
    },
    async close() {},
  };
}
