import * as v from 'valibot';

/*
 * Valibot's object and record schemas take an array for an object (`[]` passes as `{}`). A JSON
 * payload that sends an array where an object belongs is malformed, and the schemas here refused
 * it before: these wrappers keep that, for the shapes whose keys are all optional (a required key
 * already refuses an array).
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
