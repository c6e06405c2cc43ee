import { AppError } from '../errors.js';
import { isWriteRace } from './store.js';

/*
 * Every read-modify-write over the store has the same shape: read, decide, write guarded by the
 * version read; a write that lost to another writer reads again. One bound for all of them: a key
 * that changes under us this many times in a row is contended beyond what a retry here can fix.
 */

/** How many read-decide-write rounds one change gets before it gives up. */
export const WRITE_RACE_ROUNDS = 20;

/** Returned by a round that lost a race it detected itself (not as a thrown store error). */
export const AGAIN: unique symbol = Symbol('again');

/** Too many rounds lost to other writers; permanent for this attempt, like the errors it replaced. */
export class ContentionError extends AppError<'too_much_contention'> {
  constructor(what: string, rounds: number, cause?: unknown) {
    super('too_much_contention', `${what}: too much contention (${rounds} rounds lost to other writers)`, {
      cause,
    });
  }
}

export function isContentionError(value: unknown): value is ContentionError {
  return value instanceof ContentionError;
}

export interface RetryOptions {
  /**
   * Only `AGAIN` repeats a round; thrown errors, races included, propagate. For rounds that also
   * write to Notion or Todoist, where only the round itself knows which race it may start over.
   */
  onlyAgain?: boolean;
}

/**
 * Runs `round` until it returns a value: a thrown write race (already exists, changed, gone) or
 * `AGAIN` runs it once more; after WRITE_RACE_ROUNDS it throws `too_much_contention`.
 */
export async function retryOnWriteRace<T>(
  what: string,
  round: (index: number) => Promise<T | typeof AGAIN>,
  options: RetryOptions = {},
): Promise<T> {
  let last: unknown;
  for (let index = 0; index < WRITE_RACE_ROUNDS; index++) {
    try {
      const result = await round(index);
      if (result !== AGAIN) return result;
      last = undefined;
    } catch (error) {
      if (!isWriteRace(error) || options.onlyAgain) throw error;
      last = error;
    }
  }
  throw new ContentionError(what, WRITE_RACE_ROUNDS, last);
}
