import { Timestamp } from '@google-cloud/firestore';
import { StateUsageError } from './plain-data.js';

export { translateError, vendorCode } from './firestore-errors.js';

/** Encodes an `updateTime` without losing nanoseconds: `${seconds}.${nanoseconds padded to 9}`. */
export function encodeVersion(time: Timestamp): string {
  return `${time.seconds}.${String(time.nanoseconds).padStart(9, '0')}`;
}

/** Parses a version from `encodeVersion` back into the Timestamp a `lastUpdateTime` precondition needs. */
export function decodeVersion(version: string): Timestamp {
  const match = /^(\d{1,12})\.(\d{9})$/.exec(version);
  if (!match) throw new StateUsageError(`${JSON.stringify(version)} is not a Firestore store version`);
  return new Timestamp(Number(match[1]), Number(match[2]));
}

/**
 * The TTL field beside the payload: a Firestore TTL policy needs a Timestamp, while callers pass
 * `expireAt` as epoch ms inside the data (returned unchanged by `get`). Absent → no expiry.
 */
export function expiryOf(data: object): Timestamp | undefined {
  const value: unknown = (data as Record<string, unknown>)['expireAt'];
  if (typeof value === 'number' && Number.isFinite(value)) return Timestamp.fromMillis(value);
  return undefined;
}
