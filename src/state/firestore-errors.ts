/** Firestore failures (gRPC codes, HTTP statuses, REST status names) as StateError codes; no client needed. */
import { StateUsageError } from './plain-data.js';
import { StateError, type StateErrorCode } from './store.js';

// gRPC status codes, with the HTTP statuses and names the REST transport may report instead.
const BY_CODE: ReadonlyMap<number | string, StateErrorCode> = new Map<number | string, StateErrorCode>([
  [6, 'already_exists'],
  [409, 'already_exists'],
  ['ALREADY_EXISTS', 'already_exists'],
  [9, 'precondition_failed'],
  [10, 'precondition_failed'],
  [412, 'precondition_failed'],
  ['FAILED_PRECONDITION', 'precondition_failed'],
  ['ABORTED', 'precondition_failed'],
  [5, 'not_found'],
  [404, 'not_found'],
  ['NOT_FOUND', 'not_found'],
  [4, 'unavailable'],
  [8, 'unavailable'],
  [13, 'unavailable'],
  [14, 'unavailable'],
  [429, 'unavailable'],
  [500, 'unavailable'],
  [502, 'unavailable'],
  [503, 'unavailable'],
  [504, 'unavailable'],
  ['DEADLINE_EXCEEDED', 'unavailable'],
  ['RESOURCE_EXHAUSTED', 'unavailable'],
  ['INTERNAL', 'unavailable'],
  ['UNAVAILABLE', 'unavailable'],
]);

/** The vendor code of a Firestore/gax error (`code` is a number for gRPC, sometimes a string or HTTP status). */
export function vendorCode(error: unknown): number | string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  const code: unknown = error.code;
  return typeof code === 'number' || typeof code === 'string' ? code : undefined;
}

/**
 * Translates a Firestore failure into a StateError (keeping it as `cause`). Errors we have no rule
 * for (permission denied, invalid argument, usage errors) are returned unchanged: they are not
 * transient, so retrying the message would not help.
 */
export function translateError(error: unknown, what: string): unknown {
  if (error instanceof StateError || error instanceof StateUsageError) return error;
  const code = vendorCode(error);
  const mapped = code === undefined ? undefined : BY_CODE.get(code);
  if (mapped === undefined) return error;
  const detail = error instanceof Error ? error.message : String(error);
  return new StateError(mapped, `${what}: ${detail}`, error);
}
