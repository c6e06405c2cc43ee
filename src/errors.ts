/** Base of every error this project throws on purpose: a literal `code` callers narrow on. */
export class AppError<C extends string = string> extends Error {
  readonly code: C;
  /** True when retrying the same work later may succeed (Pub/Sub should redeliver). */
  readonly transient: boolean;

  constructor(code: C, message: string, options: { cause?: unknown; transient?: boolean } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.transient = options.transient ?? false;
  }
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}

/** A failure that should make Pub/Sub redeliver the message. */
export function isTransient(value: unknown): boolean {
  return isAppError(value) && value.transient;
}

export function errorMessage(value: unknown): string {
  return value instanceof Error ? value.message : String(value);
}
