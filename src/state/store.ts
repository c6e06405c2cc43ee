import { AppError } from '../errors.js';

/** A stored document and the opaque version token that guards the next conditional write. */
export interface Stored<T> {
  data: T;
  /** Changes on every write (Firestore `updateTime`); pass it back to `update`/`remove` as the precondition. */
  version: string;
}

/**
 * The four primitives the exactly-once core needs from a database. Every rule (keys, leases,
 * expiry) lives in the core; adapters only map these to conditional writes.
 * Document ids passed in are already hashed and safe (no `/`, short).
 */
export interface StateStore {
  get<T extends object>(collection: string, id: string): Promise<Stored<T> | undefined>;
  /** Creates the document only if absent; throws StateError `already_exists` otherwise. */
  create<T extends object>(collection: string, id: string, data: T): Promise<Stored<T>>;
  /**
   * Replaces the document only if it is still at `expectedVersion`; throws StateError
   * `precondition_failed` if it changed and `not_found` if it is gone.
   */
  update<T extends object>(
    collection: string,
    id: string,
    data: T,
    expectedVersion: string,
  ): Promise<Stored<T>>;
  /** Deletes the document (only at `expectedVersion` when given). Absent documents are not an error. */
  remove(collection: string, id: string, expectedVersion?: string): Promise<void>;
  /** Every document of a collection (small collections only: audits, cleanup, reconcile). */
  list<T extends object>(collection: string): Promise<Array<{ id: string } & Stored<T>>>;
  /**
   * The documents whose numeric payload field `field` is at least `sinceMs` (one range query: a
   * reconcile reads what changed since its index instead of the whole collection).
   */
  listSince<T extends object>(
    collection: string,
    field: string,
    sinceMs: number,
  ): Promise<Array<{ id: string } & Stored<T>>>;
  close(): Promise<void>;
}

export type StateErrorCode = 'already_exists' | 'precondition_failed' | 'not_found' | 'unavailable';

/** A store failure translated from the vendor's codes; `unavailable` is transient. */
export class StateError extends AppError<StateErrorCode> {
  constructor(code: StateErrorCode, message: string, cause?: unknown) {
    super(code, message, { cause, transient: code === 'unavailable' });
  }
}

export function isStateError<C extends StateErrorCode>(
  value: unknown,
  code?: C,
): value is StateError & { code: C } {
  return value instanceof StateError && (code === undefined || value.code === code);
}

/** A conditional write lost to another writer (created, changed or removed meanwhile): re-read and decide again. */
export function isWriteRace(value: unknown): value is StateError {
  return (
    isStateError(value, 'already_exists') ||
    isStateError(value, 'precondition_failed') ||
    isStateError(value, 'not_found')
  );
}
