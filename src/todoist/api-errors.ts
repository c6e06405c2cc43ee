import { AppError } from '../errors.js';

export type TodoistApiErrorCode =
  | 'not_found'
  | 'unauthorized'
  | 'rate_limited'
  | 'server_error'
  | 'network_error'
  | 'bad_request'
  | 'invalid_response';

const TRANSIENT: ReadonlySet<TodoistApiErrorCode> = new Set([
  'rate_limited',
  'server_error',
  'network_error',
]);

/** A failed Todoist API call; `transient` says whether trying again later may succeed. */
export class TodoistApiError extends AppError<TodoistApiErrorCode> {
  /** HTTP status, when the server answered. */
  readonly status: number | undefined;
  /** How long Todoist asked us to wait (429), when it said. */
  readonly retryAfterMs: number | undefined;

  constructor(
    code: TodoistApiErrorCode,
    message: string,
    options: { cause?: unknown; status?: number | undefined; retryAfterMs?: number | undefined } = {},
  ) {
    super(code, message, { cause: options.cause, transient: TRANSIENT.has(code) });
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** True for a TodoistApiError, optionally of one code. */
export function isTodoistApiError(value: unknown, code?: TodoistApiErrorCode): value is TodoistApiError {
  return value instanceof TodoistApiError && (code === undefined || value.code === code);
}

/** The error code for an HTTP status that is not a success. */
export function codeForStatus(status: number): TodoistApiErrorCode {
  if (status === 404 || status === 410) return 'not_found';
  if (status === 401 || status === 403) return 'unauthorized';
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'server_error';
  return 'bad_request';
}
