import { sha256 } from './keys.js';

/** sha256 of canonical JSON (object keys sorted at every depth): equal hashes mean no write is needed. */
export function contentHash(value: unknown): string {
  return sha256(canonicalJson(value));
}

/** JSON with object keys sorted at every depth; array order is kept (it is meaningful). */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : v,
  );
}
