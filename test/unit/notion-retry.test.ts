import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/notion/error-codes.js';
import { NotionError, type NotionErrorCode } from '../../src/notion/errors.js';
import { backoffMs, DEFAULT_RETRY, decideRetry, retryAfterFromHeaders } from '../../src/notion/retry.js';

const fresh = { maybeSent: true, rateLimitRetries: 0, serverRetries: 0 };
const err = (code: NotionErrorCode, retryAfterMs?: number) => new NotionError(code, code, { retryAfterMs });

describe('retry decision: by error code AND idempotency', () => {
  // [code, idempotent request?, expected outcome]
  const table: Array<[NotionErrorCode, boolean, 'retry' | 'fail' | 'outcome_unknown']> = [
    ['rate_limited', true, 'retry'],
    ['rate_limited', false, 'retry'],
    ['service_overload', false, 'retry'],
    ['internal_server_error', true, 'retry'],
    ['internal_server_error', false, 'outcome_unknown'],
    ['service_unavailable', true, 'retry'],
    ['service_unavailable', false, 'outcome_unknown'],
    ['gateway_timeout', true, 'retry'],
    ['gateway_timeout', false, 'outcome_unknown'],
    ['request_timeout', true, 'retry'],
    ['request_timeout', false, 'outcome_unknown'],
    ['network_error', true, 'retry'],
    ['network_error', false, 'outcome_unknown'],
    ['conflict_error', true, 'retry'],
    ['conflict_error', false, 'outcome_unknown'],
    ['service_overload', true, 'retry'],
    ['validation_error', true, 'fail'],
    ['validation_error', false, 'fail'],
    ['object_not_found', true, 'fail'],
    ['unauthorized', true, 'fail'],
    ['restricted_resource', true, 'fail'],
    ['invalid_json', true, 'fail'],
    ['invalid_request_url', true, 'fail'],
    ['invalid_request', true, 'fail'],
    ['invalid_beta', true, 'fail'],
    ['missing_version', true, 'fail'],
    ['unexpected_response', true, 'fail'],
    ['schema_invalid', true, 'fail'],
    // Already the answer of a write that may have landed: never repeated, even by a reader.
    ['outcome_unknown', true, 'fail'],
    ['outcome_unknown', false, 'fail'],
  ];

  it('covers every code of the table, so a new code is placed on purpose', () => {
    expect(new Set(table.map(([code]) => code))).toEqual(new Set(Object.keys(ERROR_CODES)));
  });

  it.each(table)('%s, idempotent=%s → %s', (code, idempotent, expected) => {
    const decision = decideRetry(err(code), { ...fresh, idempotent });
    if (expected === 'retry') expect(decision.kind).toBe('retry');
    else {
      expect(decision.kind).toBe('fail');
      if (decision.kind !== 'fail') return;
      expect(decision.error.code).toBe(expected === 'fail' ? code : 'outcome_unknown');
      if (expected === 'outcome_unknown') expect(decision.error.cause).toBeInstanceOf(NotionError);
    }
  });

  it('retries a create whose connection was refused: it never reached Notion', () => {
    expect(decideRetry(err('network_error'), { ...fresh, idempotent: false, maybeSent: false }).kind).toBe(
      'retry',
    );
  });

  it('waits the Retry-After Notion asked for, and pauses everyone', () => {
    const decision = decideRetry(err('rate_limited', 2_000), { ...fresh, idempotent: false });
    expect(decision).toEqual({ kind: 'retry', delayMs: 2_000, budget: 'rate', pauseAll: true });
  });

  it('gives up after the configured number of retries with the transient error itself', () => {
    const rate = decideRetry(err('rate_limited', 10), {
      ...fresh,
      idempotent: true,
      rateLimitRetries: DEFAULT_RETRY.maxRateLimitRetries,
    });
    expect(rate.kind === 'fail' && rate.error.code).toBe('rate_limited');
    const server = decideRetry(err('service_unavailable'), {
      ...fresh,
      idempotent: true,
      serverRetries: DEFAULT_RETRY.maxServerRetries,
    });
    expect(server.kind === 'fail' && server.error.code).toBe('service_unavailable');
    expect(DEFAULT_RETRY.maxRateLimitRetries).toBe(5);
    expect(DEFAULT_RETRY.maxServerRetries).toBe(3);
  });

  it('does not sit out a workspace Retry-After of minutes inside one request, but still pauses the limiter', () => {
    const decision = decideRetry(err('rate_limited', 120_000), { ...fresh, idempotent: true });
    expect(decision).toMatchObject({ kind: 'fail', pauseAllMs: 120_000 });
  });

  it('backs off exponentially with jitter and a cap', () => {
    const policy = { ...DEFAULT_RETRY, initialDelayMs: 100, maxDelayMs: 1_000 };
    expect(backoffMs(0, policy, () => 0)).toBe(50);
    expect(backoffMs(0, policy, () => 1)).toBe(150);
    expect(backoffMs(2, policy, () => 0.5)).toBe(400);
    expect(backoffMs(10, policy, () => 1)).toBe(1_000);
  });
});

describe('reading the wait from headers', () => {
  const headers = (h: Record<string, string>) => (name: string) => h[name];
  it('prefers retry-after-ms', () => {
    expect(retryAfterFromHeaders(headers({ 'retry-after-ms': '1250.5', 'retry-after': '2' }))).toBe(1251);
  });
  it('reads Retry-After seconds', () => {
    expect(retryAfterFromHeaders(headers({ 'retry-after': '3' }))).toBe(3_000);
  });
  it('reads an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterFromHeaders(headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:05 GMT' }), now)).toBe(
      5_000,
    );
  });
  it('is undefined without either', () => {
    expect(retryAfterFromHeaders(headers({}))).toBeUndefined();
    expect(retryAfterFromHeaders(headers({ 'retry-after': 'soon' }))).toBeUndefined();
  });
});
