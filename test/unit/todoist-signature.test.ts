import { describe, expect, it } from 'vitest';
import { signBody, verifySignature } from '../../src/todoist/signature.js';
import {
  FIXTURE_SECRET,
  fixtureBytes,
  fixtureNames,
  fixtureSignatures,
} from '../support/todoist-fake/fixtures.js';

const signatures = fixtureSignatures();

describe('Todoist webhook signatures', () => {
  it('signatures.txt covers every fixture', () => {
    expect([...signatures.keys()].sort()).toEqual(fixtureNames());
  });

  it.each([...signatures])(
    '%s: the documented signature verifies on the exact file bytes',
    (file, signature) => {
      const body = fixtureBytes(file);
      expect(signBody(body, FIXTURE_SECRET)).toBe(signature);
      expect(verifySignature(body, signature, FIXTURE_SECRET)).toBe(true);
    },
  );

  it.each([...signatures])('%s: one flipped byte fails', (file, signature) => {
    const body = Buffer.from(fixtureBytes(file));
    const at = Math.floor(body.length / 2);
    body[at] = (body[at] ?? 0) ^ 0x01;
    expect(verifySignature(body, signature, FIXTURE_SECRET)).toBe(false);
  });

  it('a re-serialised body fails: only the raw bytes are signed', () => {
    const raw = fixtureBytes('item-added.json');
    const reserialised = Buffer.from(JSON.stringify(JSON.parse(raw.toString('utf8'))));
    expect(verifySignature(reserialised, signatures.get('item-added.json'), FIXTURE_SECRET)).toBe(false);
  });

  it('the wrong secret fails', () => {
    const raw = fixtureBytes('item-added.json');
    expect(verifySignature(raw, signatures.get('item-added.json'), 'another-secret')).toBe(false);
  });

  it.each([
    ['missing header', undefined],
    ['empty header', ''],
    ['shorter header', 'abc='],
    ['longer header', `${'A'.repeat(44)}extra`],
    ['same length, wrong value', 'A'.repeat(44)],
    ['hex instead of base64', 'bf09c0813a2a8c31a3722589627457b9b60f6db49c27d9ee2cb6231d4c8e65d8'],
  ])('%s → false without throwing', (_label, header) => {
    expect(verifySignature(fixtureBytes('item-added.json'), header, FIXTURE_SECRET)).toBe(false);
  });

  it('an empty secret never verifies', () => {
    const body = Buffer.from('{}');
    expect(verifySignature(body, signBody(body, ''), '')).toBe(false);
  });
});
