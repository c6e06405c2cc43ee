/** Runs work for one key at a time; later callers for the key wait for the earlier ones. */
export type KeyedMutex = <T>(key: string, work: () => Promise<T>) => Promise<T>;

/** Runs work for one key at a time in this process (events for one task apply in turn). */
export function createKeyedMutex(): KeyedMutex {
  const tails = new Map<string, Promise<unknown>>();
  return async <T>(key: string, work: () => Promise<T>): Promise<T> => {
    const previous = tails.get(key) ?? Promise.resolve();
    const run = previous.then(work, work);
    const tail = run.catch(() => undefined);
    tails.set(key, tail);
    try {
      return await run;
    } finally {
      if (tails.get(key) === tail) tails.delete(key);
    }
  };
}
