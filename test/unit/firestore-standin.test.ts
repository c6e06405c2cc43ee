import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFirestoreRestStore } from '../../src/state/firestore-rest.js';
import { type FirestoreStandin, startFirestoreStandin } from '../support/firestore-standin/index.js';
import { describeStoreContract } from '../support/store-contract.js';

const PROJECT = 'demo-nts';
const ROOT = `projects/${PROJECT}/databases/(default)/documents`;

let standin: FirestoreStandin;
beforeAll(async () => {
  standin = await startFirestoreStandin();
});
afterAll(async () => {
  await standin.close();
});

const restStore = (prefix = `t${randomUUID().slice(0, 8)}`) =>
  createFirestoreRestStore({
    projectId: PROJECT,
    emulatorHost: standin.host,
    collectionPrefix: prefix,
    credentials: undefined,
  });

/** The parts of an answer these stories read. */
interface RawAnswer {
  status: number;
  json: {
    error?: { code: number; status: string; message: string };
    updateTime?: string;
    writeResults?: Array<{ updateTime?: string }>;
    documents?: Array<{ name: string }>;
    nextPageToken?: string;
  };
}

/** One raw request to the stand-in, as the adapter would send it. */
async function raw(method: string, path: string, body?: unknown): Promise<RawAnswer> {
  const res = await fetch(`http://${standin.host}/v1/${ROOT}${path}`, {
    method,
    headers: { 'content-type': 'application/json', authorization: 'Bearer owner' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, json: (await res.json()) as RawAnswer['json'] };
}

const payload = (n: number) => ({
  fields: { d: { mapValue: { fields: { n: { integerValue: String(n) } } } } },
});

// The same contract the REST adapter passes against the Firestore emulator (integration tier).
describeStoreContract('firestore REST on the stand-in', () => restStore());

describe('Firestore stand-in', () => {
  it('counts each round trip the adapter makes, by kind', async () => {
    const store = restStore();
    standin.resetCounts();

    const created = await store.create('claims', 'a', { state: 'pending', writtenAt: 5 });
    await store.get('claims', 'a');
    const updated = await store.update('claims', 'a', { state: 'ready', writtenAt: 6 }, created.version);
    await store.list('claims');
    await store.listSince('claims', 'writtenAt', 0);
    await store.remove('claims', 'a', updated.version);

    expect(standin.counts()).toEqual({ get: 1, create: 1, commit: 2, list: 1, query: 1, total: 6 });
  });

  it('answers absent, existing and stale documents as the emulator does', async () => {
    const absent = await raw('GET', '/shapes_claims/x');
    const created = await raw('PATCH', '/shapes_claims/x?currentDocument.exists=false', payload(1));
    const again = await raw('PATCH', '/shapes_claims/x?currentDocument.exists=false', payload(2));
    const write = (name: string, updateTime = '') => ({
      writes: [{ update: { name: `${ROOT}/${name}`, ...payload(3) }, currentDocument: { updateTime } }],
    });
    const fresh = await raw('POST', ':commit', write('shapes_claims/x', created.json.updateTime));
    const stale = await raw('POST', ':commit', write('shapes_claims/x', created.json.updateTime));
    const missing = await raw('POST', ':commit', write('shapes_claims/never', created.json.updateTime));

    expect(absent).toMatchObject({ status: 404, json: { error: { code: 404, status: 'NOT_FOUND' } } });
    expect(created.json.updateTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    expect(again).toMatchObject({ status: 409, json: { error: { code: 409, status: 'ALREADY_EXISTS' } } });
    expect((fresh.json.writeResults?.[0]?.updateTime ?? '') > (created.json.updateTime ?? '')).toBe(true);
    expect(stale).toMatchObject({ status: 400, json: { error: { status: 'FAILED_PRECONDITION' } } });
    // The emulator refuses an update of an absent document the same way (stored version 0).
    expect(missing).toMatchObject({ status: 400, json: { error: { status: 'FAILED_PRECONDITION' } } });
    expect(missing.json.error?.message).toContain('stored version (0)');
  });

  it('gives every write a later updateTime, however quick the writes', async () => {
    const times: string[] = [];
    for (let i = 0; i < 50; i++)
      times.push(
        (await raw('PATCH', `/clock_claims/d${i}?currentDocument.exists=false`, payload(i))).json
          .updateTime ?? '',
      );

    expect(new Set(times).size).toBe(50);
    expect([...times].sort()).toEqual(times);
  });

  it('lists a collection page by page, each document once', async () => {
    for (const id of ['e', 'a', 'd', 'b', 'c'])
      await raw('PATCH', `/pages_claims/${id}?currentDocument.exists=false`, payload(0));

    const seen: string[] = [];
    let token = '';
    let pages = 0;
    do {
      const page = await raw('GET', `/pages_claims?pageSize=2${token ? `&pageToken=${token}` : ''}`);
      seen.push(...(page.json.documents ?? []).map((d) => d.name.slice(d.name.lastIndexOf('/') + 1)));
      token = page.json.nextPageToken ?? '';
      pages++;
    } while (token);

    expect(seen).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(pages).toBe(3);
  });

  it('refuses loudly what it does not speak, instead of pretending', async () => {
    const upsert = await raw('PATCH', '/loud_claims/x', payload(1));
    const twoWrites = await raw('POST', ':commit', {
      writes: [{ delete: `${ROOT}/loud_claims/x` }, { delete: `${ROOT}/loud_claims/y` }],
    });
    const ordered = await raw('POST', ':runQuery', {
      structuredQuery: {
        from: [{ collectionId: 'loud_claims' }],
        orderBy: [{ field: { fieldPath: 'd.n' } }],
      },
    });

    for (const answer of [upsert, twoWrites, ordered])
      expect(answer).toMatchObject({ status: 400, json: { error: { status: 'INVALID_ARGUMENT' } } });
  });
});
