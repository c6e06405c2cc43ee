/** The /v1 request pipeline: version and auth checks, rate limit, latency, injected errors, work, lost creates. */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Ctx, matchRoute } from './api.js';
import type { Counters } from './counters.js';
import { ApiError, invalidUrl, isApiError } from './errors.js';
import type { Faults } from './faults.js';
import { errorBody, readBody, send } from './http.js';
import type { Version } from './shapes.js';
import type { Store } from './store.js';
import { isObject } from './values.js';

const VERSIONS: readonly string[] = ['2022-06-28', '2025-09-03', '2026-03-11'];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What the pipeline works on. */
export interface PipelineDeps {
  store: Store;
  faults: Faults;
  counters: Counters;
}

/** Answers one /v1 request (counted, subject to faults). */
export async function handleV1(
  deps: PipelineDeps,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const { store, faults, counters } = deps;
  const text = await readBody(req);
  const method = req.method ?? 'GET';
  const matched = matchRoute(method, url.pathname);
  counters.request(matched?.route.name ?? `${method} (unknown)`);
  const reply = (status: number, body: unknown, headers: Record<string, string> = {}) => {
    counters.status(status);
    send(res, status, body, headers);
  };
  const fail = (e: ApiError, headers: Record<string, string> = {}) => {
    const requestId = randomUUID();
    reply(e.status, errorBody(e, requestId), { 'x-notion-request-id': requestId, ...headers });
  };

  const version = req.headers['notion-version'];
  if (typeof version !== 'string' || version === '')
    return fail(
      new ApiError(
        400,
        'missing_version',
        'Notion-Version header failed validation: Notion-Version header should be defined, instead was `undefined`.',
      ),
    );
  if (!VERSIONS.includes(version))
    return fail(
      new ApiError(
        400,
        'validation_error',
        `Notion-Version header failed validation: unsupported version \`${version}\`.`,
      ),
    );
  if (!/^Bearer\s+\S/i.test(req.headers.authorization ?? ''))
    return fail(new ApiError(401, 'unauthorized', 'API token is invalid.'));
  if (!matched) return fail(invalidUrl());

  const waitMs = faults.rateLimitWaitMs();
  if (waitMs > 0) {
    counters.bump('rateLimited');
    return fail(
      new ApiError(429, 'rate_limited', 'You have been rate limited. Please try again in a few minutes.'),
      {
        'retry-after': String(Math.max(1, Math.ceil(waitMs / 1000))),
        'retry-after-ms': String(waitMs),
      },
    );
  }
  const { latencyMs } = faults.current;
  if (latencyMs > 0) await sleep(latencyMs);
  const injected = faults.injectedError();
  if (injected) {
    counters.bump('injectedErrors');
    return fail(
      injected === 500
        ? new ApiError(500, 'internal_server_error', 'Unexpected error occurred.')
        : new ApiError(503, 'service_unavailable', 'Notion is unavailable, please try again later.'),
    );
  }

  let body: unknown = {};
  try {
    if (text.trim() !== '') body = JSON.parse(text);
  } catch {
    return fail(new ApiError(400, 'invalid_json', 'Error parsing JSON body.'));
  }
  if (!isObject(body))
    return fail(new ApiError(400, 'validation_error', 'body failed validation: body should be an object.'));
  if (version === '2026-03-11' && body['archived'] !== undefined)
    return fail(
      new ApiError(
        400,
        'validation_error',
        'body failed validation: body.archived is not supported in 2026-03-11; use body.in_trash.',
      ),
    );
  const ctx: Ctx = {
    store,
    version: version as Version,
    body,
    query: url.searchParams,
    params: matched.params,
  };
  let answer: Record<string, unknown>;
  try {
    answer = matched.route.handle(ctx);
  } catch (e) {
    if (isApiError(e)) return fail(e);
    throw e;
  }
  if (matched.route.name === 'POST /v1/pages') {
    const lost = faults.lostCreate();
    if (lost) {
      counters.bump('lostCreates');
      if (lost === 504) return fail(new ApiError(504, 'gateway_timeout', 'Gateway timed out.'));
      counters.status('dropped');
      res.socket?.destroy();
      return;
    }
  }
  reply(200, answer);
}
