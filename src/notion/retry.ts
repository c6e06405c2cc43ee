import { ERROR_CODES } from './error-codes.js';
import { NotionError } from './errors.js';

/** How hard to retry; every field has a default in `DEFAULT_RETRY`. */
export interface RetryPolicy {
  /** Retries of 429/529 answers (any method). */
  maxRateLimitRetries: number;
  /** Retries of 5xx, 409, timeouts and network errors (idempotent requests only). */
  maxServerRetries: number;
  /** First backoff step when the server gives no Retry-After. */
  initialDelayMs: number;
  /** Cap of a computed backoff step. */
  maxDelayMs: number;
  /** A Retry-After longer than this is not waited out in-request: the limiter pauses and the caller gets the error. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  maxRateLimitRetries: 5,
  maxServerRetries: 3,
  initialDelayMs: 500,
  maxDelayMs: 20_000,
  maxRetryAfterMs: 60_000,
};

/** What the transport knows about one failed attempt, beyond the error itself. */
export interface AttemptContext {
  /** Repeating the request cannot duplicate anything: GETs, and writes whose caller says so. */
  idempotent: boolean;
  /** False only when the request certainly never reached Notion (connection refused, DNS failure). */
  maybeSent: boolean;
  rateLimitRetries: number;
  serverRetries: number;
}

export type RetryDecision =
  | { kind: 'retry'; delayMs: number; budget: 'rate' | 'server'; pauseAll: boolean }
  | { kind: 'fail'; error: NotionError; pauseAllMs?: number };

/** Exponential backoff with jitter: between base/2 and 1.5·base, base = initial·2^attempt, capped. */
export function backoffMs(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const base = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** attempt);
  return Math.min(policy.maxDelayMs, Math.round(base / 2 + random() * base));
}

/**
 * The only retry decider, by error code (the `ERROR_CODES` table) AND idempotency: 429/529 are
 * always retried (Notion did not process the request); 5xx, 409, timeouts and resets only when the
 * caller said repeating cannot duplicate. A write that may have reached Notion becomes
 * `outcome_unknown`, never retried here.
 */
export function decideRetry(
  error: NotionError,
  ctx: AttemptContext,
  policy: RetryPolicy = DEFAULT_RETRY,
  random: () => number = Math.random,
): RetryDecision {
  const { request } = ERROR_CODES[error.code];
  if (request === 'always') {
    const delayMs = error.retryAfterMs ?? backoffMs(ctx.rateLimitRetries, policy, random);
    if (delayMs > policy.maxRetryAfterMs) return { kind: 'fail', error, pauseAllMs: delayMs };
    if (ctx.rateLimitRetries >= policy.maxRateLimitRetries) return { kind: 'fail', error };
    return { kind: 'retry', delayMs, budget: 'rate', pauseAll: true };
  }
  if (request === 'never') return { kind: 'fail', error };
  const safe = ctx.idempotent || (error.code === 'network_error' && !ctx.maybeSent);
  if (!safe) {
    return {
      kind: 'fail',
      error: new NotionError(
        'outcome_unknown',
        `${error.message} (the request may have been applied; look before repeating it)`,
        { cause: error, status: error.status, requestId: error.requestId },
      ),
    };
  }
  if (ctx.serverRetries >= policy.maxServerRetries) return { kind: 'fail', error };
  return {
    kind: 'retry',
    delayMs: backoffMs(ctx.serverRetries, policy, random),
    budget: 'server',
    pauseAll: false,
  };
}

/** Reads the wait a 429/529 asks for: `retry-after-ms` when present, else `Retry-After` (seconds or HTTP date). */
export function retryAfterFromHeaders(
  get: (name: string) => string | undefined,
  now: number = Date.now(),
): number | undefined {
  const ms = Number(get('retry-after-ms'));
  if (get('retry-after-ms') !== undefined && Number.isFinite(ms) && ms >= 0) return Math.ceil(ms);
  const raw = get('retry-after')?.trim();
  if (!raw) return undefined;
  if (/^\d+(\.\d+)?$/.test(raw)) return Math.ceil(Number(raw) * 1000);
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
