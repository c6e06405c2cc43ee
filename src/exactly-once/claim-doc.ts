import { AppError } from '../errors.js';
import type { StateKind } from './keys.js';

/** Collection holding one claim per (kind, key). */
export const CLAIMS = 'claims';

/** The claim of one key: who may create its page, until when, and what is known of its creates. */
export interface ClaimDoc {
  kind: StateKind;
  /** The key, shortened, for people reading the store; the id is its hash. */
  key: string;
  state: 'pending' | 'ready';
  owner: string;
  leaseUntil: number;
  pageId: string | null;
  /**
   * Creates that may have been sent under this claim and whose page was not yet confirmed; a claim
   * just made by an ensure already counts the create its owner is about to send.
   */
  attempts: number;
  lastAttemptAt: number;
  updatedAt: number;
}

export type EnsureErrorCode = 'ensure_timeout' | 'lease_lost' | 'lease_short' | 'create_attempts_exhausted';

/** A failure of ensure-once; every code is transient (the caller's delivery is retried). */
export class EnsureError extends AppError<EnsureErrorCode> {
  /** A page this owner created before it learnt the claim was no longer its own. */
  readonly orphanPageId: string | undefined;
  constructor(
    code: EnsureErrorCode,
    message: string,
    options: { cause?: unknown; orphanPageId?: string } = {},
  ) {
    super(code, message, { cause: options.cause, transient: true });
    this.orphanPageId = options.orphanPageId;
  }
}

export function isEnsureError(value: unknown, code?: EnsureErrorCode): value is EnsureError {
  return value instanceof EnsureError && (code === undefined || value.code === code);
}
