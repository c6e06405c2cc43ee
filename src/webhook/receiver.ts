import type { Logger } from '../log/logger.js';
import { verifySignature } from '../todoist/signature.js';
import { acceptPost, header, jsonObject, type Publish, publishAndAnswer } from './http.js';

export type { Publish, WebhookRequest, WebhookResponse } from './http.js';
export { MAX_BODY_BYTES } from './http.js';

/**
 * The Todoist webhook receiver: verify the HMAC over the raw bytes, publish them unchanged,
 * answer 200 once published (Todoist treats anything else as a failed delivery and retries).
 */
export function createWebhookHandler(deps: { secret: string; publish: Publish; logger: Logger }) {
  const publishing = { ...deps, sender: 'Todoist' };
  return async (
    req: Parameters<typeof acceptPost>[0],
    res: Parameters<typeof acceptPost>[1],
  ): Promise<void> => {
    const body = acceptPost(req, res);
    if (!body) return;
    if (!verifySignature(body, header(req, 'x-todoist-hmac-sha256'), deps.secret)) {
      deps.logger.warn('webhook rejected: missing or wrong signature', { bytes: body.length });
      res.status(401).send('');
      return;
    }
    const attributes: Record<string, string> = {};
    const deliveryId = header(req, 'x-todoist-delivery-id');
    if (deliveryId) attributes['deliveryId'] = deliveryId;
    const eventName = jsonObject(body)?.['event_name'];
    if (typeof eventName === 'string') attributes['eventName'] = eventName;
    await publishAndAnswer(publishing, res, body, attributes);
  };
}
