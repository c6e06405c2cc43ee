/** Plain JSON-like data to Firestore REST `Value`s and back (what the client library does on the wire). */
import { StateUsageError } from './plain-data.js';

export type RestValue =
  | { nullValue: null }
  | { booleanValue: boolean }
  | { integerValue: string }
  | { doubleValue: number }
  | { stringValue: string }
  | { timestampValue: string }
  | { arrayValue: { values?: RestValue[] } }
  | { mapValue: { fields?: Record<string, RestValue> } };

/** Encodes one plain value; integers as `integerValue` (as the client library does), others as doubles. */
export function encodeValue(value: unknown): RestValue {
  if (value === null) return { nullValue: null };
  if (typeof value === 'boolean') return { booleanValue: value };
  if (typeof value === 'number')
    return Number.isSafeInteger(value) ? { integerValue: String(value) } : { doubleValue: value };
  if (typeof value === 'string') return { stringValue: value };
  if (Array.isArray(value)) return { arrayValue: { values: value.map(encodeValue) } };
  if (typeof value === 'object')
    return { mapValue: { fields: encodeFields(value as Record<string, unknown>) } };
  throw new StateUsageError(`cannot store a ${typeof value} in Firestore`);
}

/** Encodes an object's fields, leaving out `undefined` ones (the client's `ignoreUndefinedProperties`). */
export function encodeFields(data: Record<string, unknown>): Record<string, RestValue> {
  const fields: Record<string, RestValue> = {};
  for (const [key, v] of Object.entries(data)) if (v !== undefined) fields[key] = encodeValue(v);
  return fields;
}

/** Decodes one value as the client library returns it (timestamps as epoch ms; they only appear in `expireAt`). */
export function decodeValue(value: RestValue): unknown {
  if ('nullValue' in value) return null;
  if ('booleanValue' in value) return value.booleanValue;
  if ('integerValue' in value) return Number(value.integerValue);
  if ('doubleValue' in value) return Number(value.doubleValue);
  if ('stringValue' in value) return value.stringValue;
  if ('timestampValue' in value) return Date.parse(value.timestampValue);
  if ('arrayValue' in value) return (value.arrayValue.values ?? []).map(decodeValue);
  if ('mapValue' in value) return decodeFields(value.mapValue.fields ?? {});
  throw new StateUsageError(`unexpected Firestore value ${JSON.stringify(value).slice(0, 80)}`);
}

export function decodeFields(fields: Record<string, RestValue>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(fields)) out[key] = decodeValue(v);
  return out;
}
