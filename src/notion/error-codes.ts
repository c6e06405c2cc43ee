import type { APIErrorCode } from '@notionhq/client';

/*
 * Every error code a Notion call can end with, and how it is retried: the one table both the
 * transport (repeat the request now?) and event handling (ask Pub/Sub to redeliver?) read.
 */

/** Codes the Notion API returns in `{"object":"error","code":…}`: the SDK's list, plus one it omits. */
export type NotionApiCode = `${APIErrorCode}` | 'missing_version';

/** Our own codes: transport failures, unknowable create outcomes, schema problems, odd answers. */
export type NotionLocalCode =
  | 'request_timeout'
  | 'network_error'
  | 'outcome_unknown'
  | 'schema_invalid'
  | 'unexpected_response';

export type NotionErrorCode = NotionApiCode | NotionLocalCode;

/**
 * When a failed request is repeated at once: `always` (429/529: Notion did not process it),
 * `idempotent` (5xx, 409, timeouts, resets: only when repeating cannot duplicate) or `never`.
 */
export type RequestRetry = 'always' | 'idempotent' | 'never';

export interface CodeRule {
  /** Whether the transport repeats the request. */
  request: RequestRetry;
  /** Whether the event may succeed later: the function throws and Pub/Sub redelivers it. */
  transient: boolean;
  /** Sent by Notion itself (as opposed to a code of ours). */
  api: boolean;
}

const rule = (request: RequestRetry, transient: boolean, api = true): CodeRule => ({
  request,
  transient,
  api,
});

/** The retry table: one row per code; the type makes a code the SDK adds fail to compile until it is placed. */
export const ERROR_CODES: Readonly<Record<NotionErrorCode, CodeRule>> = {
  unauthorized: rule('never', false),
  restricted_resource: rule('never', false),
  object_not_found: rule('never', false),
  invalid_json: rule('never', false),
  invalid_request_url: rule('never', false),
  invalid_request: rule('never', false),
  invalid_beta: rule('never', false),
  missing_version: rule('never', false),
  validation_error: rule('never', false),
  rate_limited: rule('always', true),
  service_overload: rule('always', true),
  conflict_error: rule('idempotent', true),
  internal_server_error: rule('idempotent', true),
  service_unavailable: rule('idempotent', true),
  gateway_timeout: rule('idempotent', true),
  request_timeout: rule('idempotent', true, false),
  network_error: rule('idempotent', true, false),
  // Never repeated blindly: the next owner looks before it creates (ensure-once).
  outcome_unknown: rule('never', true, false),
  schema_invalid: rule('never', false, false),
  unexpected_response: rule('never', false, false),
};

/** True for a code Notion itself sends (and we know). */
export function isApiCode(code: unknown): code is NotionApiCode {
  return (
    typeof code === 'string' && Object.hasOwn(ERROR_CODES, code) && ERROR_CODES[code as NotionErrorCode].api
  );
}
