import { Timestamp } from '@google-cloud/firestore';
import { describe, expect, it } from 'vitest';
import { decodeVersion, encodeVersion, expiryOf, translateError } from '../../src/state/firestore-codec.js';
import { StateError } from '../../src/state/store.js';

function grpcError(code: number | string, message = 'boom'): Error {
  return Object.assign(new Error(message), { code });
}

describe('Firestore version codec', () => {
  it('round-trips an updateTime with every nanosecond', () => {
    const time = new Timestamp(1_767_225_600, 7);
    const version = encodeVersion(time);
    expect(version).toBe('1767225600.000000007');
    expect(decodeVersion(version).isEqual(time)).toBe(true);
    expect(decodeVersion(encodeVersion(new Timestamp(5, 999_999_999))).nanoseconds).toBe(999_999_999);
  });

  it('refuses a version it did not issue (such as a memory-store counter)', () => {
    expect(() => decodeVersion('3')).toThrow(/not a Firestore store version/);
    expect(() => decodeVersion('1.5')).toThrow(/not a Firestore store version/);
  });
});

describe('expiryOf', () => {
  it('turns an epoch-ms expireAt into a Timestamp for the TTL policy, and ignores anything else', () => {
    expect(expiryOf({ expireAt: 1_800_000_000_123 })?.toMillis()).toBe(1_800_000_000_123);
    expect(expiryOf({ expireAt: 'tomorrow' })).toBeUndefined();
    expect(expiryOf({ state: 'x' })).toBeUndefined();
  });
});

describe('translateError', () => {
  it.each([
    [6, 'already_exists'],
    [409, 'already_exists'],
    ['ALREADY_EXISTS', 'already_exists'],
    [9, 'precondition_failed'],
    [10, 'precondition_failed'],
    [5, 'not_found'],
    [4, 'unavailable'],
    [8, 'unavailable'],
    [13, 'unavailable'],
    [14, 'unavailable'],
  ] as const)('maps vendor code %s to %s', (code, expected) => {
    const cause = grpcError(code);
    const translated = translateError(cause, 'create claims/x');
    expect(translated).toBeInstanceOf(StateError);
    expect(translated).toMatchObject({ code: expected, cause, transient: expected === 'unavailable' });
  });

  it('leaves errors without a rule untouched (permission denied is not transient)', () => {
    const denied = grpcError(7, '7 PERMISSION_DENIED');
    expect(translateError(denied, 'get')).toBe(denied);
    const plain = new Error('no code');
    expect(translateError(plain, 'get')).toBe(plain);
  });
});
