import { AppError } from '../errors.js';
import { ERROR_CODES, isApiCode, type NotionErrorCode } from './error-codes.js';

export type { NotionApiCode, NotionErrorCode, NotionLocalCode } from './error-codes.js';

export interface NotionErrorOptions {
  status?: number | undefined;
  requestId?: string | undefined;
  retryAfterMs?: number | undefined;
  /** The `code` string exactly as Notion sent it, when it is not one of ours (e.g. `database_connection_unavailable`). */
  apiCode?: string | undefined;
  cause?: unknown;
  /** Overrides the default derived from the code. */
  transient?: boolean;
}

/** Any failure of a Notion call; narrow with `isNotionError(e, code)`. */
export class NotionError extends AppError<NotionErrorCode> {
  readonly status: number | undefined;
  readonly requestId: string | undefined;
  readonly retryAfterMs: number | undefined;
  readonly apiCode: string | undefined;

  constructor(code: NotionErrorCode, message: string, options: NotionErrorOptions = {}) {
    super(code, message, {
      cause: options.cause,
      transient: options.transient ?? ERROR_CODES[code].transient,
    });
    this.status = options.status;
    this.requestId = options.requestId;
    this.retryAfterMs = options.retryAfterMs;
    this.apiCode = options.apiCode;
  }
}

/** True for a NotionError (of the given code, when one is passed). */
export function isNotionError(value: unknown, code?: NotionErrorCode): value is NotionError {
  return value instanceof NotionError && (code === undefined || value.code === code);
}

/** A create whose result we cannot know: look the page up before creating again. */
export function isOutcomeUnknown(value: unknown): value is NotionError {
  return isNotionError(value, 'outcome_unknown');
}

const GONE_MESSAGE = /\b(archived|in trash|in_trash|trashed|deleted)\b/i;

/** The page (or block) no longer exists for us: not found, or Notion refuses to edit it because it is archived/in trash. */
export function isPageGone(value: unknown): value is NotionError {
  if (!isNotionError(value)) return false;
  if (value.code === 'object_not_found') return true;
  return value.code === 'validation_error' && GONE_MESSAGE.test(value.message);
}

/** The code we use for an HTTP status whose body carries no code we know. */
export function codeForStatus(status: number): NotionErrorCode {
  if (status === 400) return 'invalid_request';
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'restricted_resource';
  if (status === 404) return 'object_not_found';
  if (status === 409) return 'conflict_error';
  if (status === 429) return 'rate_limited';
  if (status === 500) return 'internal_server_error';
  if (status === 502 || status === 503) return 'service_unavailable';
  if (status === 504) return 'gateway_timeout';
  if (status === 529) return 'service_overload';
  return status >= 500 ? 'internal_server_error' : 'unexpected_response';
}

/** Translates an HTTP error answer (status, raw body, headers) into a NotionError. */
export function errorFromResponse(
  route: string,
  status: number,
  bodyText: string,
  headers: { requestId?: string | undefined; retryAfterMs?: number | undefined },
): NotionError {
  let body: { code?: unknown; message?: unknown; request_id?: unknown } = {};
  try {
    const parsed: unknown = JSON.parse(bodyText);
    if (parsed && typeof parsed === 'object') body = parsed;
  } catch {
    // An HTML 502 from a proxy, say: classified by status below.
  }
  // Notion's own code wins only when it agrees with a known code; 503 `database_connection_unavailable` maps by status.
  const code = isApiCode(body.code) ? body.code : codeForStatus(status);
  const apiCode = typeof body.code === 'string' ? body.code : undefined;
  const detail = typeof body.message === 'string' ? body.message : bodyText.slice(0, 200) || '(empty body)';
  const requestId = typeof body.request_id === 'string' ? body.request_id : headers.requestId;
  return new NotionError(code, `${route} → ${status} ${apiCode ?? code}: ${detail}`, {
    status,
    requestId,
    retryAfterMs: headers.retryAfterMs,
    apiCode,
  });
}
