import { AppError } from '../errors.js';

/**
 * A caller broke a store rule (an unsafe id, a value Firestore cannot round-trip). It is a bug, not
 * an outage: never transient, so a message that triggers it is acked and logged, not retried.
 */
export class StateUsageError extends AppError<'state_usage'> {
  constructor(message: string) {
    super('state_usage', message);
  }
}

export function isStateUsageError(value: unknown): value is StateUsageError {
  return value instanceof StateUsageError;
}

/** Rejects ids that Firestore would misread: `col.doc('a/b/c')` silently addresses a sub-collection. */
export function assertDocId(id: string): void {
  if (id === '' || id.includes('/') || id === '.' || id === '..' || /^__.*__$/.test(id)) {
    throw new StateUsageError(`document id ${JSON.stringify(id)} is not safe: hash external keys first`);
  }
  if (Buffer.byteLength(id, 'utf8') > 1500) {
    throw new StateUsageError(`document id is ${Buffer.byteLength(id, 'utf8')} bytes; Firestore allows 1500`);
  }
}

/** Collection names become `${prefix}_${name}`: one path segment, no slash. */
export function assertCollection(name: string): void {
  if (!/^[A-Za-z0-9_-]+$/.test(name)) {
    throw new StateUsageError(`collection name ${JSON.stringify(name)} must match [A-Za-z0-9_-]+`);
  }
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function copy(value: unknown, path: string, insideArray: boolean): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new StateUsageError(`${path} is ${value}; store finite numbers only`);
    return value;
  }
  if (Array.isArray(value)) {
    // Firestore has no arrays directly inside arrays; refuse them here so both adapters agree.
    if (insideArray)
      throw new StateUsageError(`${path} is an array inside an array, which Firestore cannot store`);
    return value.map((item, i) => copy(item === undefined ? null : item, `${path}[${i}]`, true));
  }
  if (typeof value === 'object' && isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      if (item === undefined) continue;
      if (key === '') throw new StateUsageError(`${path} has an empty key`);
      out[key] = copy(item, `${path}.${key}`, false);
    }
    return out;
  }
  const kind = typeof value === 'object' ? (value.constructor?.name ?? 'object') : typeof value;
  throw new StateUsageError(
    `${path} is a ${kind}; store strings, finite numbers (dates as epoch ms), booleans, null`,
  );
}

/**
 * Deep-copies JSON-like data: strings, finite numbers, booleans, null, arrays and plain objects.
 * Dates must be passed as epoch milliseconds so `get()` returns exactly what was written, in every
 * adapter. `undefined` properties are dropped (as JSON would); anything else is a StateUsageError.
 */
export function clonePlain<T extends object>(data: T): T {
  if (Array.isArray(data) || !isPlainObject(data)) {
    throw new StateUsageError('a stored document must be a plain object');
  }
  return copy(data, 'data', false) as T;
}
