/**
 * A local stand-in for the one Pub/Sub REST call the webhook makes, `POST
 * /v1/projects/P/topics/T:publish`, answering at once with a message id per message, as Pub/Sub
 * does once it has stored them. The benchmark's cold start publishes to it, so no Pub/Sub emulator
 * (a JVM whose background compilation and collection would share the machine's cores with the
 * measured processes) runs beside the headline figures. It keeps what was published, decoded.
 * Anything else answers 404 (an unknown path) or 400 (a publish without messages), like Pub/Sub.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface PublishedMessage {
  topic: string;
  data: Buffer;
  attributes: Record<string, string>;
}

export interface PubSubStandin {
  /** `127.0.0.1:PORT`, for `PUBSUB_EMULATOR_HOST`. */
  host: string;
  published(): readonly PublishedMessage[];
  close(): Promise<void>;
}

const PUBLISH = /^\/v1\/(projects\/[^/]+\/topics\/[^/:]+):publish$/;

interface PublishBody {
  messages?: Array<{ data?: unknown; attributes?: unknown }>;
}

function answer(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<PublishBody | undefined> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as PublishBody;
  } catch {
    return undefined;
  }
}

const stringRecord = (value: unknown): Record<string, string> =>
  Object.fromEntries(
    Object.entries(value && typeof value === 'object' ? value : {}).filter(
      (e): e is [string, string] => typeof e[1] === 'string',
    ),
  );

/** Starts the stand-in on 127.0.0.1 (a port of its own choosing). */
export async function startPubSubStandin(): Promise<PubSubStandin> {
  const published: PublishedMessage[] = [];
  const server = createServer((req, res) => {
    const topic = PUBLISH.exec(new URL(req.url ?? '/', 'http://standin').pathname)?.[1];
    if (req.method !== 'POST' || !topic) {
      answer(res, 404, {
        error: { code: 404, message: `no route ${req.method} ${req.url}`, status: 'NOT_FOUND' },
      });
      return;
    }
    readBody(req).then(
      (body) => {
        const messages = body?.messages ?? [];
        if (messages.length === 0 || messages.some((m) => typeof m.data !== 'string')) {
          answer(res, 400, {
            error: {
              code: 400,
              message: 'a publish needs messages with base64 data',
              status: 'INVALID_ARGUMENT',
            },
          });
          return;
        }
        const ids = messages.map((m) => {
          published.push({
            topic,
            data: Buffer.from(m.data as string, 'base64'),
            attributes: stringRecord(m.attributes),
          });
          return String(published.length);
        });
        answer(res, 200, { messageIds: ids });
      },
      () =>
        answer(res, 500, {
          error: { code: 500, message: 'the request could not be read', status: 'INTERNAL' },
        }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    published: () => published,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
