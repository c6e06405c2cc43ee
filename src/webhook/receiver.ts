import type { Logger } from '../log/logger.js';
import { verifySignature } from '../todoist/signature.js';

/** Publishes raw bytes with attributes; resolves with the message id. */
export type Publish = (data: Buffer, attributes: Record<string, string>) => Promise<string>;

/** The parts of an HTTP request and response the receiver uses (functions-framework's Express objects fit). */
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

function header(req: WebhookRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function eventNameOf(body: Buffer): string | undefined {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    const name = (parsed as { event_name?: unknown } | null)?.event_name;
    return typeof name === 'string' ? name : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The Todoist webhook receiver: verify the HMAC over the raw bytes, publish them unchanged,
 * answer 200 once published (Todoist treats anything else as a failed delivery and retries).
 */
export function createWebhookHandler(deps: { secret: string; publish: Publish; logger: Logger }) {
  return async (req: WebhookRequest, res: WebhookResponse): Promise<void> => {
    if (req.method !== 'POST') {
      res.status(405).set('Allow', 'POST').send('');
      return;
    }
    const declared = Number(header(req, 'content-length') ?? '0');
    const body = req.rawBody ?? Buffer.alloc(0);
    if (declared > MAX_BODY_BYTES || body.length > MAX_BODY_BYTES) {
      res.status(413).send('');
      return;
    }
    if (!verifySignature(body, header(req, 'x-todoist-hmac-sha256'), deps.secret)) {
      deps.logger.warn('webhook rejected: missing or wrong signature', { bytes: body.length });
      res.status(401).send('');
      return;
    }
    const attributes: Record<string, string> = {};
    const deliveryId = header(req, 'x-todoist-delivery-id');
    if (deliveryId) attributes['deliveryId'] = deliveryId;
    const eventName = eventNameOf(body);
    if (eventName) attributes['eventName'] = eventName;
    try {
      const messageId = await deps.publish(body, attributes);
      deps.logger.info('webhook published', { deliveryId, eventName, messageId });
      res.status(200).send('ok');
    } catch (error) {
      deps.logger.error('webhook could not be published; Todoist will retry', {
        deliveryId,
        eventName,
        error,
      });
      res.status(500).send('');
    }
  };
}
