/** Request counters behind `counts()` and `GET /__sandbox/counts`. */
import type { SandboxCounts } from './types.js';

const zero = (): SandboxCounts => ({
  total: 0,
  byRoute: {},
  status: {},
  lostCreates: 0,
  injectedErrors: 0,
  rateLimited: 0,
});

/** Mutable counters with a copying reader. */
export class Counters {
  #c = zero();

  request(route: string): void {
    this.#c.total++;
    this.#c.byRoute[route] = (this.#c.byRoute[route] ?? 0) + 1;
  }

  status(status: number | 'dropped'): void {
    this.#c.status[status] = (this.#c.status[status] ?? 0) + 1;
  }

  bump(kind: 'lostCreates' | 'injectedErrors' | 'rateLimited'): void {
    this.#c[kind]++;
  }

  reset(): void {
    this.#c = zero();
  }

  snapshot(): SandboxCounts {
    return structuredClone(this.#c);
  }
}
