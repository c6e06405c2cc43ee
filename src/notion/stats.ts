/** Request accounting by route, for benchmarks, logs and the "fewest calls per event" target. */

export interface RequestStats {
  /** HTTP requests sent, retries included. */
  total: number;
  /** Requests by route, ids replaced: `POST /v1/pages`, `PATCH /v1/pages/:id`, `POST /v1/data_sources/:id/query`. */
  byRoute: Record<string, number>;
  /** Answers by HTTP status. */
  byStatus: Record<string, number>;
  /** Attempts repeated, by the error code that caused the retry. */
  retries: Record<string, number>;
}

// Path words that are not ids; every other segment after `/v1/<collection>` is an id.
const WORDS = new Set(['query', 'properties', 'children', 'templates', 'move', 'markdown']);

/** `PATCH /v1/pages/0f3e…` → `PATCH /v1/pages/:id`; the query string is dropped. */
export function routeOf(method: string, path: string): string {
  const parts = (path.split('?')[0] ?? '').split('/');
  const shaped = parts.map((part, i) => (i <= 2 || part === '' || WORDS.has(part) ? part : ':id'));
  return `${method.toUpperCase()} ${shaped.join('/')}`;
}

/** A mutable counter set with a copy-on-read snapshot. */
export function createRequestStats() {
  const byRoute: Record<string, number> = {};
  const byStatus: Record<string, number> = {};
  const retries: Record<string, number> = {};
  let total = 0;
  const bump = (table: Record<string, number>, key: string) => {
    table[key] = (table[key] ?? 0) + 1;
  };
  return {
    sent(route: string): void {
      total += 1;
      bump(byRoute, route);
    },
    status(code: number): void {
      bump(byStatus, String(code));
    },
    retried(code: string): void {
      bump(retries, code);
    },
    snapshot(): RequestStats {
      return { total, byRoute: { ...byRoute }, byStatus: { ...byStatus }, retries: { ...retries } };
    },
  };
}
