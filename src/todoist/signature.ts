import { createHmac, timingSafeEqual } from 'node:crypto';

/** The `X-Todoist-Hmac-SHA256` value for a body: standard base64 of HMAC-SHA256 keyed by the client secret. */
export function signBody(body: Uint8Array | string, secret: string): string {
  return createHmac('sha256', secret).update(body).digest('base64');
}

/**
 * Checks a webhook signature over the exact bytes received (never a re-serialised body).
 * Constant time for equal lengths; a missing or wrong-length header is false, never a throw.
 */
export function verifySignature(rawBody: Uint8Array, header: string | undefined, secret: string): boolean {
  if (!header || !secret) return false;
  const expected = Buffer.from(signBody(rawBody, secret), 'utf8');
  const given = Buffer.from(header.trim(), 'utf8');
  if (given.length !== expected.length) return false;
  return timingSafeEqual(given, expected);
}
