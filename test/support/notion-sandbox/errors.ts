/** Notion-shaped errors; the server turns them into `{object:'error', status, code, message, request_id}`. */

/** Codes the sandbox answers with (all in the SDK's `APIErrorCode`, plus `missing_version`). */
export type ApiErrorCode =
  | 'missing_version'
  | 'invalid_json'
  | 'invalid_request_url'
  | 'invalid_request'
  | 'validation_error'
  | 'unauthorized'
  | 'object_not_found'
  | 'rate_limited'
  | 'internal_server_error'
  | 'service_unavailable'
  | 'gateway_timeout';

/** An error answer with its HTTP status and Notion code. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode,
    message: string,
    readonly additionalData?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** True for an {@link ApiError}. */
export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError;
}

/** Notion's answer to an edit of a trashed page or block. */
export const ARCHIVED_MESSAGE =
  "Can't edit block that is archived. You must unarchive the block before editing.";

/** 400 validation_error with Notion's wording. */
export function validation(message: string, additionalData?: Record<string, unknown>): ApiError {
  return new ApiError(400, 'validation_error', message, additionalData);
}

/** 400 validation_error for a malformed body field, worded like Notion's schema validator. */
export function bodyInvalid(path: string, expectation: string): ApiError {
  return validation(`body failed validation: ${path} ${expectation}.`);
}

/** 404 object_not_found for a page, block, database or data source. */
export function notFound(kind: string, id: string): ApiError {
  return new ApiError(
    404,
    'object_not_found',
    `Could not find ${kind} with ID: ${id}. Make sure the relevant pages and databases are shared with your integration.`,
  );
}

/** 400 invalid_request_url. */
export function invalidUrl(): ApiError {
  return new ApiError(400, 'invalid_request_url', 'Invalid request URL.');
}
