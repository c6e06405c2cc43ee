import { signWebhookPayload } from '@notionhq/client';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log/logger.js';
import { MAX_BODY_BYTES, type WebhookResponse } from '../../src/webhook/http.js';
import { createNotionWebhookHandler } from '../../src/webhook/notion-receiver.js';
import { notionSignatureCheck } from '../../src/webhook/notion-signature.js';

const TOKEN = 'secret_verification_token_for_tests';

function harness(secret: string | null = TOKEN) {
  const lines: Array<Record<string, unknown>> = [];
  const published: Array<{ data: Buffer; attributes: Record<string, string> }> = [];
  const handler = createNotionWebhookHandler({
    verify: secret ? notionSignatureCheck(secret) : undefined,
    publish: async (data, attributes) => {
      published.push({ data, attributes });
      return `m${published.length}`;
    },
    logger: createLogger({ sink: (line) => lines.push(JSON.parse(line)) }),
  });
  const call = async (body: string | Buffer, headers: Record<string, string> = {}, method = 'POST') => {
    const answer = { status: 0, headers: {} as Record<string, string> };
    const res: WebhookResponse = {
      status(code) {
        answer.status = code;
        return res;
      },
      set(field, value) {
        answer.headers[field] = value;
        return res;
      },
      send: () => undefined,
    };
    const rawBody = Buffer.isBuffer(body) ? body : Buffer.from(body);
    await handler({ method, headers, rawBody }, res);
    return answer;
  };
  return { lines, published, call };
}

const event = JSON.stringify({
  id: '4c3a6a4e-0000-4000-8000-000000000001',
  timestamp: '2026-11-29T10:00:00.000Z',
  type: 'page.properties_updated',
  authors: [{ id: 'u1', type: 'person' }],
  entity: { id: 'page-1', type: 'page' },
  data: { updated_properties: ['title'] },
});

describe('notionWebhook', () => {
  it('the verification request: the token is logged once at NOTICE with the next step, nothing is published', async () => {
    const h = harness(null);
    const body = JSON.stringify({ verification_token: 'secret_tMrlL1qK' });
    expect((await h.call(body)).status).toBe(200);
    expect((await h.call(body)).status).toBe(200);
    const notices = h.lines.filter((l) => l['severity'] === 'NOTICE');
    expect(notices).toHaveLength(1);
    expect(notices[0]?.['verification']).toBe('secret_tMrlL1qK');
    expect(String(notices[0]?.['message'])).toMatch(/NOTION_WEBHOOK_SECRET.*Verify/);
    expect(h.published).toEqual([]);
  });

  it('a signed event is published byte for byte with its id and type, then answered 200', async () => {
    const h = harness();
    const signature = await signWebhookPayload({ body: event, verificationToken: TOKEN });
    expect((await h.call(event, { 'x-notion-signature': signature })).status).toBe(200);
    expect(h.published).toHaveLength(1);
    expect(h.published[0]?.data.toString('utf8')).toBe(event);
    expect(h.published[0]?.attributes).toEqual({
      eventId: '4c3a6a4e-0000-4000-8000-000000000001',
      eventType: 'page.properties_updated',
    });
  });

  it.each([
    ['no signature', {}],
    ['a wrong signature', { 'x-notion-signature': `sha256=${'0'.repeat(64)}` }],
    ['a malformed signature', { 'x-notion-signature': 'sha256=xyz' }],
  ])('an event with %s is refused with 401 and not published', async (_case, headers) => {
    const h = harness();
    expect((await h.call(event, headers)).status).toBe(401);
    expect(h.published).toEqual([]);
  });

  it('a body signed with another token, or re-serialised after signing, is refused', async () => {
    const h = harness();
    const other = await signWebhookPayload({ body: event, verificationToken: 'another' });
    expect((await h.call(event, { 'x-notion-signature': other })).status).toBe(401);
    const signature = await signWebhookPayload({ body: event, verificationToken: TOKEN });
    const reformatted = JSON.stringify(JSON.parse(event), null, 2);
    expect((await h.call(reformatted, { 'x-notion-signature': signature })).status).toBe(401);
    expect(h.published).toEqual([]);
  });

  it('before the secret is stored, events are refused with a line saying what to do', async () => {
    const h = harness(null);
    const signature = await signWebhookPayload({ body: event, verificationToken: TOKEN });
    expect((await h.call(event, { 'x-notion-signature': signature })).status).toBe(401);
    expect(h.lines.some((l) => /NOTION_WEBHOOK_SECRET is not set/.test(String(l['message'])))).toBe(true);
  });

  it('other methods get 405 and bodies over 1 MiB get 413', async () => {
    const h = harness();
    const get = await h.call('', {}, 'GET');
    expect(get.status).toBe(405);
    expect(get.headers['Allow']).toBe('POST');
    expect((await h.call(Buffer.alloc(MAX_BODY_BYTES + 1, 32))).status).toBe(413);
    expect(h.published).toEqual([]);
  });

  it('a publish failure answers 500, so Notion retries the delivery', async () => {
    const signature = await signWebhookPayload({ body: event, verificationToken: TOKEN });
    const handler = createNotionWebhookHandler({
      verify: notionSignatureCheck(TOKEN),
      publish: () => Promise.reject(new Error('pubsub down')),
      logger: createLogger({ sink: () => {} }),
    });
    let status = 0;
    const res: WebhookResponse = {
      status(code) {
        status = code;
        return res;
      },
      set: () => res,
      send: () => undefined,
    };
    await handler(
      { method: 'POST', headers: { 'x-notion-signature': signature }, rawBody: Buffer.from(event) },
      res,
    );
    expect(status).toBe(500);
  });
});
