/**
 * Publishing over Pub/Sub's REST API (`topics/T:publish`) over node:http (see http/node-fetch). The webhook
 * publishes one small message per request; the maintained client loads gRPC and google-gax for
 * that, which tripled the receiver's cold start, so the receiver speaks REST where it can.
 */
import { AppError } from '../errors.js';
import type { Credentials } from '../gcp/metadata-server.js';
import { createNodeFetch, type HttpFetch, type HttpResponse } from '../http/node-fetch.js';
import type { Publish } from './receiver.js';

export class PublishError extends AppError<'publish_failed'> {
  constructor(message: string, options: { cause?: unknown; transient: boolean }) {
    super('publish_failed', message, options);
  }
}

export interface RestPublisherOptions {
  /** A topic id, or a full `projects/P/topics/T` name that carries its own project. */
  topic: string;
  projectId: string | undefined;
  /** `host:port` of the emulator: plain HTTP and no credentials. */
  emulatorHost: string | undefined;
  /** Where the project id (when not configured) and the token come from; unused on the emulator. */
  credentials: Credentials | undefined;
  /** The transport; a keep-alive node:http one of its own by default. */
  fetchImpl?: HttpFetch;
  /** Tries per publish for 429, 5xx and network failures (a repeat is harmless: deliveries are deduplicated). */
  attempts?: number;
  sleep?: (ms: number) => Promise<void>;
}

const TIMEOUT_MS = 10_000;

/** A publisher for one topic that answers only once Pub/Sub has stored the message. */
export function createRestPublisher(options: RestPublisherOptions): Publish {
  const fetchImpl = options.fetchImpl ?? createNodeFetch();
  const attempts = options.attempts ?? 3;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const full = /^projects\/([^/]+)\/topics\/([^/]+)$/.exec(options.topic);
  const topicId = full?.[2] ?? options.topic;
  const base = options.emulatorHost ? `http://${options.emulatorHost}` : 'https://pubsub.googleapis.com';
  const projectOf = async (): Promise<string> => {
    const known = full?.[1] ?? options.projectId;
    if (known) return known;
    if (!options.credentials)
      throw new PublishError('no Google Cloud project to publish in', { transient: false });
    return options.credentials.projectId();
  };

  async function once(data: Buffer, attributes: Record<string, string>): Promise<string> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (!options.emulatorHost && options.credentials)
      headers['authorization'] = `Bearer ${await options.credentials.token()}`;
    const url = `${base}/v1/projects/${encodeURIComponent(await projectOf())}/topics/${encodeURIComponent(topicId)}:publish`;
    let res: HttpResponse;
    try {
      res = await fetchImpl(url, {
        method: 'POST',
        headers,
        body: JSON.stringify({ messages: [{ data: data.toString('base64'), attributes }] }),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (cause) {
      throw new PublishError(`publish to ${topicId}: ${(cause as Error).message}`, {
        cause,
        transient: true,
      });
    }
    const text = await res.text();
    if (!res.ok) {
      const transient = res.status === 429 || res.status >= 500;
      throw new PublishError(`publish to ${topicId}: HTTP ${res.status} ${text.slice(0, 200)}`, {
        transient,
      });
    }
    const id = (JSON.parse(text) as { messageIds?: unknown }).messageIds;
    if (!Array.isArray(id) || typeof id[0] !== 'string')
      throw new PublishError(`publish to ${topicId}: no message id in the answer`, { transient: false });
    return id[0];
  }

  return async (data, attributes) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await once(data, attributes);
      } catch (error) {
        const transient = error instanceof AppError && error.transient;
        if (!transient || attempt >= attempts) throw error;
        await sleep(100 * 2 ** attempt);
      }
    }
  };
}
