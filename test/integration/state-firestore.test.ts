import { randomUUID } from 'node:crypto';
import { Firestore } from '@google-cloud/firestore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFirestoreStore } from '../../src/state/firestore.js';
import { createFirestoreRestStore } from '../../src/state/firestore-rest.js';
import { createStateStore } from '../../src/state/index.js';
import type { StateStore } from '../../src/state/store.js';
import { describeStoreContract } from '../support/store-contract.js';

// Set by test/global-setup.ts (or by the caller, to reuse a running emulator).
const host = process.env['FIRESTORE_EMULATOR_HOST'] ?? '';
const projectId = process.env['GOOGLE_CLOUD_PROJECT'] ?? 'demo-nts';

/** A prefix no other test uses, so tests share the emulator without clearing it. */
const uniquePrefix = (): string => `t${randomUUID().replaceAll('-', '').slice(0, 12)}`;

describe('Firestore emulator', () => {
  it('is configured for this worker', () => {
    expect(host).toMatch(/^127\.0\.0\.1:\d+$/);
  });
});

describeStoreContract('firestore', () =>
  createFirestoreStore({ projectId, emulatorHost: host, collectionPrefix: uniquePrefix() }),
);

describeStoreContract('firestore REST', () =>
  createFirestoreRestStore({
    projectId,
    emulatorHost: host,
    collectionPrefix: uniquePrefix(),
    credentials: undefined,
  }),
);

const ADAPTERS: Array<[string, (prefix: string) => StateStore]> = [
  [
    'client library',
    (prefix) => createFirestoreStore({ projectId, emulatorHost: host, collectionPrefix: prefix }),
  ],
  [
    'REST',
    (prefix) =>
      createFirestoreRestStore({
        projectId,
        emulatorHost: host,
        collectionPrefix: prefix,
        credentials: undefined,
      }),
  ],
];

describe('firestore store layout', () => {
  let raw: Firestore;
  beforeAll(() => {
    raw = new Firestore({
      projectId,
      host,
      ssl: false,
      credentials: { client_email: 'x@demo.invalid', private_key: 'x' },
    });
  });
  afterAll(async () => {
    await raw.terminate();
  });

  for (const [name, make] of ADAPTERS) {
    it(`${name}: writes to <prefix>_<collection> with the payload under d and a TTL Timestamp beside it`, async () => {
      const prefix = uniquePrefix();
      const store = make(prefix);
      const created = await store.create('ledger', 'evt1', {
        state: 'processing',
        expireAt: 1_800_000_000_123,
      });
      const snap = await raw.collection(`${prefix}_ledger`).doc('evt1').get();
      expect(snap.get('d')).toEqual({ state: 'processing', expireAt: 1_800_000_000_123 });
      expect(snap.get('expireAt')?.toMillis()).toBe(1_800_000_000_123);

      // A payload without expireAt clears the TTL field, so the entry no longer expires.
      await store.update('ledger', 'evt1', { state: 'done' }, created.version);
      const after = await raw.collection(`${prefix}_ledger`).doc('evt1').get();
      expect(after.data()).toEqual({ d: { state: 'done' } });
      await store.close();
    });

    it(`${name}: reports a foreign document in its collection clearly instead of returning garbage`, async () => {
      const prefix = uniquePrefix();
      await raw.collection(`${prefix}_claims`).doc('foreign').set({ state: 'ready' });
      const store = make(prefix);
      await expect(store.get('claims', 'foreign')).rejects.toMatchObject({ code: 'state_usage' });
      await store.close();
    });
  }

  it('is what createStateStore builds for STATE_STORE=firestore', async () => {
    const prefix = uniquePrefix();
    const store = createStateStore({
      store: 'firestore',
      projectId,
      firestoreEmulatorHost: host,
      collectionPrefix: prefix,
      leaseMs: 30_000,
      ledgerTtlMs: 86_400_000,
    });
    await store.create('claims', 'a', { state: 'pending' });
    expect((await raw.collection(`${prefix}_claims`).doc('a').get()).exists).toBe(true);
    await store.close();
  });
});
