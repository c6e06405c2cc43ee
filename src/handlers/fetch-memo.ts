/** Remembers answers fetched by key; concurrent callers share one request, a failed one is forgotten. */
export type FetchMemo<T> = (
  key: string,
  fetch: () => Promise<T>,
  onError: (error: unknown) => T,
) => Promise<T>;

export interface FetchMemoOptions {
  /** How long an answer is trusted; forever when absent. */
  ttlMs?: number;
  now: () => number;
}

/**
 * A per-instance memo of outside answers (project and section names): a failure is reported once
 * through `onError`, answered with its fallback to every caller sharing it, and never kept.
 */
export function createFetchMemo<T>(options: FetchMemoOptions): FetchMemo<T> {
  const entries = new Map<string, { at: number; pending: Promise<T> }>();
  const ttlMs = options.ttlMs ?? Number.POSITIVE_INFINITY;
  return (key, fetch, onError) => {
    const known = entries.get(key);
    if (known && options.now() - known.at <= ttlMs) return known.pending;
    const entry = {
      at: options.now(),
      pending: fetch().catch((error: unknown) => {
        if (entries.get(key) === entry) entries.delete(key);
        return onError(error);
      }),
    };
    entries.set(key, entry);
    return entry.pending;
  };
}
