import { setTimeout as sleep } from 'node:timers/promises';
import type { Dispatcher } from 'undici';
import type { NotionVersion } from '../config/index.js';
import { createNodeFetch, type HttpFetch } from '../http/node-fetch.js';
import type { Logger } from '../log/logger.js';
import { errorFromResponse, isNotionError, NotionError } from './errors.js';
import type { Limiter } from './limiter.js';
import { DEFAULT_RETRY, decideRetry, type RetryPolicy, retryAfterFromHeaders } from './retry.js';
import { createRequestStats, type RequestStats, routeOf } from './stats.js';
import type { Priority } from './types.js';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export interface HttpRequestOptions {
  /**
   * Whether repeating the request cannot duplicate anything. Default: only GET; a write is
   * retried on 5xx and timeouts only when its caller passes `true` (as notion-sdk-js decides).
   */
  idempotent?: boolean;
  priority?: Priority;
  /** Called as the limiter admits the request, each time; throwing keeps it from being sent. */
  beforeSend?: (() => void) | undefined;
}

export interface NotionHttpOptions {
  baseUrl: string;
  token: string;
  version: NotionVersion;
  timeoutMs: number;
  limiter: Limiter;
  logger: Logger;
  retry?: Partial<RetryPolicy>;
  /** An undici dispatcher (tests, tools): requests then go over undici's fetch through it. */
  dispatcher?: Dispatcher;
}

/** The one choke point of Notion I/O: limiter, timeout, error translation, retry policy, counting. */
export interface NotionHttp {
  request(method: HttpMethod, path: string, body?: unknown, options?: HttpRequestOptions): Promise<unknown>;
  stats(): RequestStats;
  close(): Promise<void>;
}

// Errors that prove the request never left this machine; anything else may have reached Notion.
const NOT_SENT = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_CONNECT_TIMEOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/** Translates a transport failure, noting in `neverSent` the ones that certainly never reached Notion. */
function transportError(
  route: string,
  error: unknown,
  attempt: { timedOut: boolean; timeoutMs: number; neverSent: WeakSet<NotionError> },
): NotionError {
  const { timedOut, timeoutMs, neverSent } = attempt;
  if (timedOut)
    return new NotionError('request_timeout', `${route}: no answer within ${timeoutMs} ms`, { cause: error });
  const code = (error as { code?: unknown }).code ?? (error as { cause?: { code?: unknown } }).cause?.code;
  const detail = error instanceof Error ? error.message : String(error);
  const out = new NotionError(
    'network_error',
    `${route}: ${typeof code === 'string' ? `${code} ` : ''}${detail}`,
    { cause: error },
  );
  if (typeof code === 'string' && NOT_SENT.has(code)) neverSent.add(out);
  return out;
}

/**
 * Creates the HTTP layer over a keep-alive node:http transport of its own (see http/node-fetch:
 * Node's fetch would start up on a cold instance's first event), or over undici's fetch through a
 * caller's dispatcher.
 */
export function createNotionHttp(options: NotionHttpOptions): NotionHttp {
  const policy: RetryPolicy = { ...DEFAULT_RETRY, ...options.retry };
  const { dispatcher } = options;
  const transport = dispatcher ? undefined : createNodeFetch();
  // A dispatcher comes from the undici package, whose handler interface the copy inside Node's
  // fetch does not share (a MockAgent of undici 8 never answers it): that package's fetch drives it.
  const send: HttpFetch =
    transport ??
    (async (url, init) => {
      const undici = await import('undici');
      return undici.fetch(url, { ...init, dispatcher } as Parameters<typeof undici.fetch>[1]);
    });
  const counts = createRequestStats();
  const { limiter, logger } = options;
  const neverSent = new WeakSet<NotionError>();
  const translate = (route: string, error: unknown, timedOut: boolean) =>
    transportError(route, error, { timedOut, timeoutMs: options.timeoutMs, neverSent });

  async function once(method: HttpMethod, path: string, body: unknown, route: string, idempotent: boolean) {
    const headers: Record<string, string> = {
      authorization: `Bearer ${options.token}`,
      'notion-version': options.version,
      accept: 'application/json',
    };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, options.timeoutMs);
    counts.sent(route);
    try {
      const res = await send(`${options.baseUrl}${path}`, {
        method,
        headers,
        body: body === undefined ? null : JSON.stringify(body),
        signal: controller.signal,
        redirect: 'manual',
      });
      const text = await res.text();
      const status = res.status;
      counts.status(status);
      const header = (name: string): string | undefined => res.headers.get(name) ?? undefined;
      if (status >= 200 && status < 300) {
        try {
          return JSON.parse(text) as unknown;
        } catch (cause) {
          // A create that answered 2xx was applied even if we cannot read which page it made.
          const code = idempotent ? 'unexpected_response' : 'outcome_unknown';
          throw new NotionError(code, `${route} → ${status} with a body that is not JSON`, { cause });
        }
      }
      throw errorFromResponse(route, status, text, {
        requestId: header('x-notion-request-id'),
        retryAfterMs: retryAfterFromHeaders(header),
      });
    } catch (error) {
      if (isNotionError(error)) throw error;
      throw translate(route, error, timedOut);
    } finally {
      clearTimeout(timer);
    }
  }

  async function request(
    method: HttpMethod,
    path: string,
    body?: unknown,
    opts: HttpRequestOptions = {},
  ): Promise<unknown> {
    const idempotent = opts.idempotent ?? method === 'GET';
    const route = routeOf(method, path);
    let rateLimitRetries = 0;
    let serverRetries = 0;
    for (;;) {
      let failure: NotionError;
      let heldBack = false;
      try {
        return await limiter.schedule(
          () => {
            try {
              opts.beforeSend?.();
            } catch (error) {
              heldBack = true;
              throw error;
            }
            return once(method, path, body, route, idempotent);
          },
          { priority: opts.priority ?? 'normal' },
        );
      } catch (error) {
        // Refused at admission: nothing left this machine, and the refusal is the caller's to handle.
        if (heldBack) throw error;
        failure = isNotionError(error) ? error : translate(route, error, false);
      }
      const maybeSent = !neverSent.has(failure);
      const decision = decideRetry(
        failure,
        { idempotent, maybeSent, rateLimitRetries, serverRetries },
        policy,
      );
      const fields = { route, code: failure.code, status: failure.status, requestId: failure.requestId };
      if (decision.kind === 'fail') {
        if (decision.pauseAllMs !== undefined) limiter.pauseFor(decision.pauseAllMs);
        if (decision.error.transient)
          logger.warn('notion request failed; giving up', {
            ...fields,
            outcome: decision.error.code,
            rateLimitRetries,
            serverRetries,
          });
        throw decision.error;
      }
      counts.retried(failure.code);
      if (decision.pauseAll) {
        limiter.pauseFor(decision.delayMs);
        rateLimitRetries += 1;
        logger.info('notion rate limited; waiting', {
          ...fields,
          waitMs: decision.delayMs,
          attempt: rateLimitRetries,
        });
      } else {
        serverRetries += 1;
        logger.warn('notion request failed; retrying', {
          ...fields,
          waitMs: decision.delayMs,
          attempt: serverRetries,
        });
      }
      await sleep(decision.delayMs);
    }
  }

  return {
    request,
    stats: () => counts.snapshot(),
    // Idle keep-alive sockets never hold the process open; closing drops them (a caller's dispatcher too).
    close: async () => {
      transport?.close();
      await dispatcher?.close();
    },
  };
}
