import type { Logger } from '../log/logger.js';
import {
  acceptPost,
  header,
  jsonObject,
  type Publish,
  publishAndAnswer,
  type WebhookRequest,
  type WebhookResponse,
} from './http.js';
import type { NotionSignatureCheck } from './notion-signature.js';

export interface NotionReceiverDeps {
  /** Absent until the subscription is verified and its token stored as NOTION_WEBHOOK_SECRET. */
  verify: NotionSignatureCheck | undefined;
  publish: Publish;
  logger: Logger;
}

/**
 * The Notion webhook receiver. Notion's one-time verification request carries the token the
 * user must paste back; it is logged once (NOTICE) with that next step and never published.
 * Every other body must carry a valid `X-Notion-Signature`; it is published unchanged with the
 * event id and type as attributes, and answered 200 once published.
 */
export function createNotionWebhookHandler(deps: NotionReceiverDeps) {
  const announced = new Set<string>();
  const publishing = { ...deps, sender: 'Notion' };
  return async (req: WebhookRequest, res: WebhookResponse): Promise<void> => {
    const body = acceptPost(req, res);
    if (!body) return;
    const parsed = jsonObject(body);
    const token = parsed?.['verification_token'];
    if (typeof token === 'string' && parsed?.['type'] === undefined) {
      // Notion may resend the token ("Resend token"); one line per token is enough.
      if (!announced.has(token)) {
        announced.add(token);
        deps.logger.notice(
          'Notion webhook verification request received: store this token as the secret NOTION_WEBHOOK_SECRET, redeploy notionWebhook, then click Verify in the integration’s Webhooks tab',
          { verification: token, nextStep: 'NOTION_WEBHOOK_SECRET' },
        );
      }
      res.status(200).send('ok');
      return;
    }
    const signature = header(req, 'x-notion-signature');
    if (!deps.verify || !(await deps.verify(body, signature))) {
      deps.logger.warn(
        deps.verify
          ? 'Notion webhook rejected: missing or wrong signature'
          : 'Notion webhook rejected: NOTION_WEBHOOK_SECRET is not set (verify the subscription first)',
        { bytes: body.length, signed: signature !== undefined },
      );
      res.status(401).send('');
      return;
    }
    const attributes: Record<string, string> = {};
    const id = parsed?.['id'];
    const type = parsed?.['type'];
    if (typeof id === 'string') attributes['eventId'] = id;
    if (typeof type === 'string') attributes['eventType'] = type;
    await publishAndAnswer(publishing, res, body, attributes);
  };
}
