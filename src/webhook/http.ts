import type { Logger } from '../log/logger.js';

/** Publishes raw bytes with attributes; resolves with the message id. */
export type Publish = (data: Buffer, attributes: Record<string, string>) => Promise<string>;

/** The parts of an HTTP request and response a receiver uses (functions-framework's Express objects fit). */
export interface WebhookRequest {
  method: string;
  headers: Record<string, string | string[] | undefined>;
  rawBody?: Buffer | undefined;
}
export interface WebhookResponse {
  status(code: number): WebhookResponse;
  set(field: string, value: string): WebhookResponse;
  send(body?: string): unknown;
}

export const MAX_BODY_BYTES = 1024 * 1024;

/** The first value of a request header (Express lower-cases the names). */
export function header(req: WebhookRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The JSON object of a body, or undefined when it is not one. */
export function jsonObject(body: Buffer): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The checks every receiver makes before reading a body: POST only (405) and at most 1 MiB
 * (413). Returns the raw body, or undefined once it has answered.
 */
export function acceptPost(req: WebhookRequest, res: WebhookResponse): Buffer | undefined {
  if (req.method !== 'POST') {
    res.status(405).set('Allow', 'POST').send('');
    return undefined;
  }
  const declared = Number(header(req, 'content-length') ?? '0');
  const body = req.rawBody ?? Buffer.alloc(0);
  if (declared > MAX_BODY_BYTES || body.length > MAX_BODY_BYTES) {
    res.status(413).send('');
    return undefined;
  }
  return body;
}

/**
 * Publishes a verified body unchanged and answers 200 once Pub/Sub has it; 500 otherwise, so
 * the sender (Todoist or Notion) retries the delivery.
 */
export async function publishAndAnswer(
  deps: { publish: Publish; logger: Logger; sender: string },
  res: WebhookResponse,
  body: Buffer,
  attributes: Record<string, string>,
): Promise<void> {
  try {
    const messageId = await deps.publish(body, attributes);
    deps.logger.info('webhook published', { ...attributes, messageId });
    res.status(200).send('ok');
  } catch (error) {
    deps.logger.error(`webhook could not be published; ${deps.sender} will retry`, { ...attributes, error });
    res.status(500).send('');
  }
}
