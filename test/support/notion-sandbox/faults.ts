/** Switchable faults: token-bucket rate limit, injected 500/503, lost creates, latency, index lag. */
import type { SandboxFaults } from './types.js';

type Active = Required<Omit<SandboxFaults, 'seed'>> & { seed: number };
const KEYS = ['lagMs', 'rps', 'errorRate', 'lostCreateRate', 'latencyMs'] as const;
const RATES = new Set(['errorRate', 'lostCreateRate']);

/** Deterministic PRNG (mulberry32), so a seed replays the same sequence of injected faults. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Why a fault setting was refused (bad value over HTTP or from the CLI). */
export class FaultSettingError extends Error {
  readonly code = 'invalid_fault_setting';
}

/** The current faults and the state deciding them (PRNG, token bucket). */
export class Faults {
  #active: Active = { lagMs: 0, rps: 0, errorRate: 0, lostCreateRate: 0, latencyMs: 0, seed: 42 };
  #random = prng(42);
  #bucket = { tokens: 0, at: 0 };

  constructor(initial: SandboxFaults = {}) {
    this.set(initial);
  }

  get current(): Active {
    return { ...this.#active };
  }

  /** Merges `f`: a key present as 0, null or undefined turns that fault off; absent keys stay. */
  set(f: SandboxFaults | Record<string, unknown>): void {
    const next = { ...this.#active };
    for (const key of KEYS) {
      if (!(key in f)) continue;
      const v: unknown = (f as Record<string, unknown>)[key];
      if (v === undefined || v === null) next[key] = 0;
      else if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || (RATES.has(key) && v > 1))
        throw new FaultSettingError(
          `${key} must be a number ≥ 0${RATES.has(key) ? ' and ≤ 1' : ''}, got ${JSON.stringify(v)}`,
        );
      else next[key] = v;
    }
    const seed = (f as Record<string, unknown>)['seed'];
    if (seed !== undefined && seed !== null) {
      if (typeof seed !== 'number' || !Number.isFinite(seed))
        throw new FaultSettingError(`seed must be a number, got ${JSON.stringify(seed)}`);
      next.seed = seed;
      this.#random = prng(seed);
    }
    if (next.rps !== this.#active.rps || this.#bucket.at === 0)
      this.#bucket = { tokens: Math.max(1, next.rps), at: Date.now() };
    this.#active = next;
  }

  /** 0 when a request may pass the rate limit (taking a token), else the ms until a token is free. */
  rateLimitWaitMs(): number {
    const { rps } = this.#active;
    if (!rps) return 0;
    const now = Date.now();
    const burst = Math.max(1, rps);
    this.#bucket.tokens = Math.min(burst, this.#bucket.tokens + ((now - this.#bucket.at) / 1000) * rps);
    this.#bucket.at = now;
    if (this.#bucket.tokens >= 1) {
      this.#bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil(((1 - this.#bucket.tokens) / rps) * 1000));
  }

  /** An injected 500 or 503 (half each) for a share `errorRate` of requests, else undefined. */
  injectedError(): 500 | 503 | undefined {
    const rate = this.#active.errorRate;
    if (!rate || this.#random() >= rate) return undefined;
    return this.#random() < 0.5 ? 500 : 503;
  }

  /** How a create's answer is lost (socket destroyed or 504, half each) for a share `lostCreateRate`. */
  lostCreate(): 'destroy' | 504 | undefined {
    const rate = this.#active.lostCreateRate;
    if (!rate || this.#random() >= rate) return undefined;
    return this.#random() < 0.5 ? 'destroy' : 504;
  }
}
