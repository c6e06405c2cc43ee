import * as v from 'valibot';

/*
 * Valibot's object and record schemas take an array for an object (`[]` passes as `{}`), and its
 * number schema takes Infinity (what JSON.parse makes of `1e400`). Neither is a value a payload
 * means, and the schemas here refused both before: these wrappers keep that. `jsonObject` is for
 * the shapes whose keys are all optional (a required key already refuses an array). Unknown keys
 * named `__proto__`, `prototype` or `constructor` are left out of valibot's outputs; the sync reads
 * no key of those names.
 */

const isJsonObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const objectType = v.custom<Record<string, unknown>>(
  isJsonObject,
  (issue) => `Invalid type: Expected Object but received ${issue.received}`,
);

/** A loose object (unknown keys kept) that refuses arrays and null. */
export function jsonObject<const TEntries extends v.ObjectEntries>(entries: TEntries) {
  return v.pipe(objectType, v.looseObject(entries));
}

/** A record of string keys that refuses arrays and null. */
export function jsonRecord<const TValue extends v.GenericSchema>(value: TValue) {
  return v.pipe(objectType, v.record(v.string(), value));
}

/** A finite number. */
export const jsonNumber = v.pipe(v.number(), v.finite());
