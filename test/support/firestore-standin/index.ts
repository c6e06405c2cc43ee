/**
 * A local stand-in for the part of Firestore's REST API that src/state/firestore-rest.ts speaks,
 * answering at once: document GET, create (`PATCH ?currentDocument.exists=false`), a one-write
 * `:commit`, collection listing with pages, and one range `:runQuery`. Answers copy the emulator's
 * shapes (answers.ts). It counts requests by kind, so a benchmark can show a cold event's
 * round trips to the store. Anything else answers INVALID_ARGUMENT.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Answer, unsupported } from './answers.js';
import { createDocuments } from './documents.js';

export const STORE_OP_KINDS = ['get', 'create', 'commit', 'list', 'query'] as const;
/** A kind of request the adapter makes: one round trip each. */
export type StoreOpKind = (typeof STORE_OP_KINDS)[number];
/** Requests by kind, and their total. */
export type StoreOpCounts = Record<StoreOpKind, number> & { total: number };

export interface FirestoreStandin {
  /** `127.0.0.1:PORT`, for `FIRESTORE_EMULATOR_HOST`. */
  host: string;
  counts(): StoreOpCounts;
  resetCounts(): void;
  /** Forgets every document. */
  clear(): void;
  close(): Promise<void>;
}

const ROOT = /^\/v1\/(projects\/[^/]+\/databases\/[^/]+\/documents)(.*)$/;

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? (JSON.parse(text) as unknown) : undefined;
}

function send(res: ServerResponse, answer: Answer): void {
  const text = JSON.stringify(answer.body);
  res.writeHead(answer.status, {
    'content-type': 'application/json; charset=UTF-8',
    'content-length': String(Buffer.byteLength(text)),
  });
  res.end(text);
}

const emptyCounts = (): StoreOpCounts => ({ get: 0, create: 0, commit: 0, list: 0, query: 0, total: 0 });

/** Starts the stand-in on 127.0.0.1 (a port of its own choosing). */
export async function startFirestoreStandin(): Promise<FirestoreStandin> {
  const documents = createDocuments();
  let counts = emptyCounts();
  const count = (kind: StoreOpKind): void => {
    counts[kind]++;
    counts.total++;
  };

  async function route(req: IncomingMessage): Promise<Answer> {
    const url = new URL(req.url ?? '/', 'http://standin');
    const match = ROOT.exec(url.pathname);
    if (!match?.[1]) return unsupported(`the path ${url.pathname}`);
    const root = decodeURIComponent(match[1]);
    const rest = match[2] ?? '';
    const method = req.method ?? 'GET';
    const body = method === 'GET' ? undefined : await readJson(req);
    if (method === 'POST' && rest === ':commit') {
      count('commit');
      return documents.commit(root, body);
    }
    if (method === 'POST' && rest === ':runQuery') {
      count('query');
      return documents.query(root, body);
    }
    const segments = rest.split('/').slice(1).map(decodeURIComponent);
    const [collection, id, ...deeper] = segments;
    if (!collection || !rest.startsWith('/') || deeper.length > 0)
      return unsupported(`${method} ${url.pathname}`);
    if (id === undefined && method === 'GET') {
      count('list');
      const pageSize = Number(url.searchParams.get('pageSize') ?? Number.POSITIVE_INFINITY);
      return documents.list(`${root}/${collection}`, pageSize, url.searchParams.get('pageToken') ?? '');
    }
    const name = `${root}/${collection}/${id}`;
    if (id && method === 'GET') {
      count('get');
      return documents.get(name);
    }
    if (id && method === 'PATCH' && url.searchParams.get('currentDocument.exists') === 'false') {
      count('create');
      const fields = (body as { fields?: Record<string, unknown> } | undefined)?.fields ?? {};
      return documents.create(name, fields);
    }
    return unsupported(`${method} ${url.pathname}${url.search}`);
  }

  const server = createServer((req, res) => {
    route(req).then(
      (answer) => send(res, answer),
      (error: unknown) => send(res, unsupported(`this request (${String(error)})`)),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    counts: () => ({ ...counts }),
    resetCounts: () => {
      counts = emptyCounts();
    },
    clear: () => documents.clear(),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
