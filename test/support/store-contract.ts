import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isStateUsageError } from '../../src/state/plain-data.js';
import { isStateError, type StateErrorCode, type StateStore } from '../../src/state/store.js';

interface Claim {
  state: string;
  owner: string;
  leaseUntil?: number;
  pageId?: string | null;
  tags?: string[];
  nested?: { a: number; b: { c: string } };
  expireAt?: number;
}

/** Resolves to the StateError code the promise rejected with (fails the test if it fulfilled). */
async function failureCode(promise: Promise<unknown>): Promise<StateErrorCode | 'state_usage' | 'other'> {
  try {
    await promise;
  } catch (error) {
    if (isStateError(error)) return error.code;
    return isStateUsageError(error) ? 'state_usage' : 'other';
  }
  throw new Error('expected the call to fail, but it succeeded');
}

/** Registers the StateStore contract for an adapter; `makeStore` gets a fresh, empty store per test. */
export function describeStoreContract(name: string, makeStore: () => StateStore | Promise<StateStore>): void {
  describe(`${name} store contract`, () => {
    let store: StateStore;
    beforeEach(async () => {
      store = await makeStore();
    });
    afterEach(async () => {
      await store.close();
    });

    it('returns undefined for a document that was never written', async () => {
      expect(await store.get('claims', 'missing')).toBeUndefined();
    });

    it('gives back exactly what was created, with the version create returned', async () => {
      const data: Claim = {
        state: 'pending',
        owner: 'instance-a',
        leaseUntil: 1_767_000_000_123,
        pageId: null,
        tags: ['Ünïcode ✓', 'a/b'],
        nested: { a: 1.5, b: { c: 'deep' } },
        expireAt: 1_800_000_000_000,
      };
      const created = await store.create('claims', 'doc1', data);
      const read = await store.get<Claim>('claims', 'doc1');
      expect(read).toEqual({ data, version: created.version });
      expect(created.data).toEqual(data);
    });

    it('refuses a second create of the same id and keeps the first data', async () => {
      await store.create('claims', 'doc1', { state: 'pending', owner: 'a' });
      expect(await failureCode(store.create('claims', 'doc1', { state: 'pending', owner: 'b' }))).toBe(
        'already_exists',
      );
      expect((await store.get<Claim>('claims', 'doc1'))?.data.owner).toBe('a');
    });

    it('keeps collections apart', async () => {
      await store.create('claims', 'same', { state: 'a', owner: 'x' });
      await store.create('ledger', 'same', { state: 'b', owner: 'y' });
      expect((await store.get<Claim>('claims', 'same'))?.data.state).toBe('a');
      expect((await store.get<Claim>('ledger', 'same'))?.data.state).toBe('b');
    });

    it('replaces the whole document on update at the current version and issues a new version', async () => {
      const v1 = await store.create<Claim>('claims', 'doc1', {
        state: 'pending',
        owner: 'a',
        pageId: 'p',
        expireAt: 5,
      });
      const v2 = await store.update<Claim>('claims', 'doc1', { state: 'ready', owner: 'a' }, v1.version);
      expect(v2.version).not.toBe(v1.version);
      expect(await store.get('claims', 'doc1')).toEqual({
        data: { state: 'ready', owner: 'a' },
        version: v2.version,
      });
    });

    it('rejects an update at a stale version and leaves the document as the winner wrote it', async () => {
      const v1 = await store.create('claims', 'doc1', { state: 'pending', owner: 'a' });
      await store.update('claims', 'doc1', { state: 'ready', owner: 'a' }, v1.version);
      const code = await failureCode(
        store.update('claims', 'doc1', { state: 'pending', owner: 'b' }, v1.version),
      );
      expect(code).toBe('precondition_failed');
      expect((await store.get<Claim>('claims', 'doc1'))?.data).toEqual({ state: 'ready', owner: 'a' });
    });

    it('reports not_found when updating a document that does not exist or was removed', async () => {
      const v1 = await store.create('claims', 'doc1', { state: 'pending', owner: 'a' });
      await store.remove('claims', 'doc1');
      expect(await failureCode(store.update('claims', 'doc1', { state: 'x', owner: 'a' }, v1.version))).toBe(
        'not_found',
      );
      expect(await failureCode(store.update('claims', 'never', { state: 'x', owner: 'a' }, v1.version))).toBe(
        'not_found',
      );
      expect(await store.get('claims', 'doc1')).toBeUndefined();
    });

    it('does not let a version from before a remove match the re-created document', async () => {
      const old = await store.create('claims', 'doc1', { state: 'pending', owner: 'a' });
      await store.remove('claims', 'doc1', old.version);
      await store.create('claims', 'doc1', { state: 'pending', owner: 'b' });
      expect(await failureCode(store.update('claims', 'doc1', { state: 'x', owner: 'a' }, old.version))).toBe(
        'precondition_failed',
      );
    });

    it('removes only at the expected version, and removing an absent document is not an error', async () => {
      const v1 = await store.create('claims', 'doc1', { state: 'pending', owner: 'a' });
      const v2 = await store.update('claims', 'doc1', { state: 'ready', owner: 'a' }, v1.version);
      expect(await failureCode(store.remove('claims', 'doc1', v1.version))).toBe('precondition_failed');
      expect(await store.get('claims', 'doc1')).toBeDefined();
      await store.remove('claims', 'doc1', v2.version);
      expect(await store.get('claims', 'doc1')).toBeUndefined();
      await store.remove('claims', 'doc1', v2.version);
      await store.remove('claims', 'doc1');
    });

    it('lists every document of a collection with versions usable for updates', async () => {
      const a = await store.create('claims', 'a', { state: 'pending', owner: 'x' });
      await store.create('claims', 'b', { state: 'ready', owner: 'y' });
      await store.create('ledger', 'c', { state: 'done', owner: 'z' });
      const listed = await store.list<Claim>('claims');
      expect(listed.map((d) => d.id).sort()).toEqual(['a', 'b']);
      const listedA = listed.find((d) => d.id === 'a');
      expect(listedA).toEqual({ id: 'a', data: { state: 'pending', owner: 'x' }, version: a.version });
      await store.update('claims', 'a', { state: 'ready', owner: 'x' }, listedA?.version ?? '');
      expect(await store.list('empty')).toEqual([]);
    });

    it('lists exactly the documents whose field is at or after a time, with usable versions', async () => {
      const at = 1_790_000_000_000;
      await store.create('claims', 'before', { state: 'x', owner: 'a', writtenAt: at - 1 });
      const exact = await store.create('claims', 'exact', { state: 'x', owner: 'a', writtenAt: at });
      await store.create('claims', 'after', { state: 'x', owner: 'a', writtenAt: at + 60_000 });
      await store.create('claims', 'unstamped', { state: 'x', owner: 'a' });
      await store.create('ledger', 'elsewhere', { state: 'x', owner: 'a', writtenAt: at + 1 });

      const since = await store.listSince<Claim>('claims', 'writtenAt', at);

      expect(since.map((d) => d.id).sort()).toEqual(['after', 'exact']);
      expect(since.find((d) => d.id === 'exact')).toEqual({
        id: 'exact',
        data: { state: 'x', owner: 'a', writtenAt: at },
        version: exact.version,
      });
      await store.update('claims', 'exact', { state: 'y', owner: 'a', writtenAt: at + 2 }, exact.version);
      expect(await store.listSince('claims', 'writtenAt', at + 60_001)).toEqual([]);
      expect(await store.listSince('empty', 'writtenAt', 0)).toEqual([]);
    });

    it('copies data in and out, so callers cannot change stored state by mutation', async () => {
      const input: Claim = { state: 'pending', owner: 'a', tags: ['t'] };
      const created = await store.create('claims', 'doc1', input);
      input.tags?.push('mutated');
      created.data.state = 'mutated';
      const read = await store.get<Claim>('claims', 'doc1');
      read?.data.tags?.push('again');
      expect((await store.get<Claim>('claims', 'doc1'))?.data).toEqual({
        state: 'pending',
        owner: 'a',
        tags: ['t'],
      });
    });

    it('drops undefined properties and refuses values it could not give back unchanged', async () => {
      await store.create('claims', 'doc1', { state: 'pending', owner: 'a', pageId: undefined });
      expect((await store.get('claims', 'doc1'))?.data).toEqual({ state: 'pending', owner: 'a' });
      expect(await failureCode(store.create('claims', 'doc2', { at: new Date() }))).toBe('state_usage');
      expect(await failureCode(store.create('claims', 'doc3', { n: Number.NaN }))).toBe('state_usage');
      expect(await failureCode(store.create('claims', 'doc4', { grid: [[1]] }))).toBe('state_usage');
      expect(await store.get('claims', 'doc2')).toBeUndefined();
    });

    it('rejects document ids that would address another path', async () => {
      for (const id of ['a/b', 'a/b/c', '..', '']) {
        expect(await failureCode(store.create('claims', id, { state: 'x', owner: 'a' }))).toBe('state_usage');
        expect(await failureCode(store.get('claims', id))).toBe('state_usage');
      }
      expect(await store.list('claims')).toEqual([]);
    });

    it('lets exactly one of 20 concurrent creates of one id win', async () => {
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) =>
          store.create('claims', 'race', { state: 'pending', owner: `o${i}` }),
        ),
      );
      const winners = results.filter((r) => r.status === 'fulfilled');
      const losers = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(winners).toHaveLength(1);
      expect(losers.map((r) => (isStateError(r.reason) ? r.reason.code : String(r.reason)))).toEqual(
        Array(19).fill('already_exists'),
      );
      const stored = await store.get<Claim>('claims', 'race');
      expect(winners[0]?.status === 'fulfilled' && winners[0].value).toEqual(stored);
    });

    it('lets exactly one of 10 concurrent updates at the same version win', async () => {
      const base = await store.create('claims', 'race', { state: 'pending', owner: 'start' });
      const results = await Promise.allSettled(
        Array.from({ length: 10 }, (_, i) =>
          store.update('claims', 'race', { state: 'pending', owner: `o${i}` }, base.version),
        ),
      );
      const winners = results.filter((r) => r.status === 'fulfilled');
      const losers = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(winners).toHaveLength(1);
      expect(losers.map((r) => (isStateError(r.reason) ? r.reason.code : String(r.reason)))).toEqual(
        Array(9).fill('precondition_failed'),
      );
      expect(await store.get('claims', 'race')).toEqual(
        winners[0]?.status === 'fulfilled' && winners[0].value,
      );
    });
  });
}
