/**
 * `X-Notion-Signature` checks: `sha256=<hex>` of HMAC-SHA256 over the raw body, keyed by the
 * subscription's verification token, compared in constant time.
 *
 * The SDK's helper does exactly this; it is the one run-time use of `@notionhq/client`, loaded
 * on first use so that only the notionWebhook function ever loads the SDK.
 */

import type { verifyWebhookSignature } from '@notionhq/client';

export type NotionSignatureCheck = (body: Uint8Array, signature: string | undefined) => Promise<boolean>;

/** A checker for one verification token; false (never a throw) for a missing or malformed header. */
export function notionSignatureCheck(verificationToken: string): NotionSignatureCheck {
  let sdk: Promise<{ verifyWebhookSignature: typeof verifyWebhookSignature }> | undefined;
  return async (body, signature) => {
    if (!verificationToken || !signature) return false;
    sdk ??= import('@notionhq/client');
    const helper = await sdk;
    return helper.verifyWebhookSignature({ body, signature: signature.trim(), verificationToken });
  };
}
