import type { HttpFetch, HttpResponse } from '../http/node-fetch.js';
import type { Logger } from '../log/logger.js';
import { codeForStatus, TodoistApiError } from './api-errors.js';

/** How the client talks to Todoist: GETs and repeatable POSTs with bounded retries. */
export interface HttpSettings {
  token: string;
  baseUrl: string;
  logger: Logger | undefined;
  timeoutMs: number;
  /** Tries per request for 5xx and network failures (GETs are safe to repeat). */
  maxAttempts: number;
  /** Tries per request for 429 answers. */
  maxRateLimitAttempts: number;
  /** A Retry-After longer than this is not waited out in-process: the error goes to the caller. */
  maxRetryAfterMs: number;
  sleep: (ms: number) => Promise<void>;
  /** The transport: a keep-alive node:http one (http/node-fetch) unless a caller gives its own. */
  send: HttpFetch;
}

export type Query = Record<string, string | number | undefined>;

function urlFor(settings: HttpSettings, path: string, query: Query): string {
  // Concatenate rather than resolve, so a base URL with a path prefix keeps it.
  const url = new URL(`${settings.baseUrl.replace(/\/+$/, '')}${path}`);
  for (const [k, v] of Object.entries(query))
    if (v !== undefined && v !== '') url.searchParams.set(k, String(v));
  return url.toString();
}

/** Retry-After in seconds or as an HTTP date; else v1's `error_extra.retry_after`; else undefined. */
function retryAfterMs(value: string | undefined, body: unknown): number | undefined {
  if (value !== undefined && value.trim() !== '') {
    const seconds = Number(value);
    if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
    const date = Date.parse(value);
    if (!Number.isNaN(date)) return Math.max(0, date - Date.now());
  }
  const extra = (body as { error_extra?: { retry_after?: unknown } } | null)?.error_extra?.retry_after;
  return typeof extra === 'number' && extra >= 0 ? extra * 1000 : undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function describe(status: number, body: unknown, text: string): string {
  const error = (body as { error?: unknown } | null)?.error;
  const detail = typeof error === 'string' ? error : text.slice(0, 200);
  return `HTTP ${status}${detail ? `: ${detail}` : ''}`;
}

/** GET a Todoist API path and return its JSON; 429, 5xx and network failures are retried within bounds. */
export function getJson(settings: HttpSettings, path: string, query: Query = {}): Promise<unknown> {
  return requestJson(settings, 'GET', path, query);
}

/**
 * POST a form to a Todoist API path and return its JSON, retried like a GET. Only for requests
 * that are safe to repeat: `/api/v1/sync` commands carry uuids Todoist applies once.
 */
export function postForm(
  settings: HttpSettings,
  path: string,
  form: Record<string, string>,
): Promise<unknown> {
  return requestJson(settings, 'POST', path, {}, new URLSearchParams(form).toString());
}

async function requestJson(
  settings: HttpSettings,
  method: 'GET' | 'POST',
  path: string,
  query: Query,
  form?: string,
): Promise<unknown> {
  const url = urlFor(settings, path, query);
  let failures = 0;
  let limited = 0;
  for (;;) {
    let status: number;
    let text: string;
    let headers: HttpResponse['headers'];
    try {
      const res = await settings.send(url, {
        method,
        headers: {
          authorization: `Bearer ${settings.token}`,
          accept: 'application/json',
          ...(form === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' }),
        },
        ...(form === undefined ? {} : { body: form }),
        signal: AbortSignal.timeout(settings.timeoutMs),
      });
      status = res.status;
      headers = res.headers;
      text = await res.text();
    } catch (cause) {
      failures += 1;
      if (failures >= settings.maxAttempts) {
        throw new TodoistApiError('network_error', `${method} ${path}: ${(cause as Error).message}`, {
          cause,
        });
      }
      await backoff(settings, path, failures, 'network error');
      continue;
    }
    const body = parseJson(text);
    if (status >= 200 && status < 300) {
      if (body === undefined)
        throw new TodoistApiError('invalid_response', `${method} ${path}: the response is not JSON`, {
          status,
        });
      return body;
    }
    const code = codeForStatus(status);
    const message = `${method} ${path}: ${describe(status, body, text)}`;
    if (code === 'rate_limited') {
      limited += 1;
      const wait = retryAfterMs(headers.get('retry-after') ?? undefined, body) ?? 1000 * 2 ** (limited - 1);
      if (limited >= settings.maxRateLimitAttempts || wait > settings.maxRetryAfterMs) {
        throw new TodoistApiError(code, message, { status, retryAfterMs: wait });
      }
      settings.logger?.warn('Todoist rate limit hit; waiting as asked', {
        path,
        waitMs: wait,
        attempt: limited,
      });
      await settings.sleep(wait);
      continue;
    }
    if (code === 'server_error') {
      failures += 1;
      if (failures < settings.maxAttempts) {
        await backoff(settings, path, failures, `HTTP ${status}`);
        continue;
      }
    }
    throw new TodoistApiError(code, message, { status });
  }
}

async function backoff(
  settings: HttpSettings,
  path: string,
  failures: number,
  reason: string,
): Promise<void> {
  const wait = Math.min(8000, 250 * 2 ** failures);
  settings.logger?.warn('Todoist request failed; retrying', {
    path,
    reason,
    waitMs: wait,
    attempt: failures,
  });
  await settings.sleep(wait);
}
