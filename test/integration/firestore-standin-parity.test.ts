import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FirestoreStandin, startFirestoreStandin } from '../support/firestore-standin/index.js';

// Set by test/global-setup.ts (or by the caller, to reuse a running emulator).
const emulatorHost = process.env['FIRESTORE_EMULATOR_HOST'] ?? '';
const PROJECT = process.env['GOOGLE_CLOUD_PROJECT'] ?? 'demo-nts';
const ROOT = `projects/${PROJECT}/databases/(default)/documents`;

interface Answer {
  status: number;
  body: unknown;
}

/** Timestamps, page tokens and the numbers in messages differ run to run; the shapes must not. */
function shape(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) return value.map((v) => shape(v));
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shape(v, k)]));
  if (typeof value !== 'string') return value;
  if (key === 'nextPageToken') return '<token>';
  if (/^\d{4}-\d\d-\d\dT[\d:.]+Z$/.test(value) && key !== 'timestampValue') return '<time>';
  return key === 'message' ? value.replace(/\d{6,}/g, '<n>') : value;
}

/**
 * The requests the REST adapter makes, in an order that meets every answer it reads: absent,
 * created, refused, stale, deleted, listed by pages, queried. Each step may use earlier answers.
 */
async function script(host: string, prefix: string): Promise<Answer[]> {
  const answers: Answer[] = [];
  const send = async (method: string, path: string, body?: unknown): Promise<Answer> => {
    const res = await fetch(`http://${host}/v1/${ROOT}${path}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: 'Bearer owner' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    const answer = { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined };
    answers.push(answer);
    return answer;
  };
  const col = `${prefix}_claims`;
  const d = (fields: Record<string, unknown>) => ({ d: { mapValue: { fields } } });
  const create = (id: string, fields: Record<string, unknown>) =>
    send('PATCH', `/${col}/${id}?currentDocument.exists=false`, { fields });
  const commit = (write: Record<string, unknown>) => send('POST', ':commit', { writes: [write] });
  const name = (id: string) => `${ROOT}/${col}/${id}`;
  const timeOf = (a: Answer) => (a.body as { updateTime: string }).updateTime;

  await send('GET', `/${col}/x`);
  const x = await create('x', {
    ...d({ n: { integerValue: '5' }, s: { stringValue: 'a/b ✓' } }),
    expireAt: { timestampValue: '2027-01-15T08:00:00.123Z' },
  });
  await create('x', d({ n: { integerValue: '6' } }));
  await send('GET', `/${col}/x`);
  const replaced = await commit({
    update: { name: name('x'), fields: d({ n: { integerValue: '7' } }) },
    currentDocument: { updateTime: timeOf(x) },
  });
  await commit({ update: { name: name('x'), fields: d({}) }, currentDocument: { updateTime: timeOf(x) } });
  await commit({
    update: { name: name('never'), fields: d({}) },
    currentDocument: { updateTime: timeOf(x) },
  });
  await commit({ delete: name('x'), currentDocument: { updateTime: timeOf(x) } });
  await commit({ delete: name('never'), currentDocument: { updateTime: timeOf(x) } });
  await commit({ delete: name('never') });
  await create('y', d({ w: { integerValue: '10' } }));
  await create('z', d({ w: { doubleValue: 20.5 } }));
  await create('u', d({ w: { integerValue: '9' } }));
  await create('v', d({ none: { mapValue: {} }, list: { arrayValue: { values: [] } } }));
  await create('t', {});
  let token = '';
  do {
    const page = await send(
      'GET',
      `/${col}?pageSize=3${token ? `&pageToken=${encodeURIComponent(token)}` : ''}`,
    );
    token = (page.body as { nextPageToken?: string }).nextPageToken ?? '';
  } while (token && answers.length < 40);
  await send('GET', `/${prefix}_empty?pageSize=300`);
  const query = (collectionId: string, value: unknown) =>
    send('POST', ':runQuery', {
      structuredQuery: {
        from: [{ collectionId }],
        where: { fieldFilter: { field: { fieldPath: 'd.w' }, op: 'GREATER_THAN_OR_EQUAL', value } },
      },
    });
  await query(col, { integerValue: '10' });
  await query(col, { doubleValue: 9.5 });
  await query(`${prefix}_empty`, { integerValue: '0' });
  const replacedTime = (replaced.body as { writeResults: Array<{ updateTime: string }> }).writeResults[0];
  await commit({ delete: name('x'), currentDocument: { updateTime: replacedTime?.updateTime ?? '' } });
  await send('GET', `/${col}/x`);
  return answers;
}

describe('Firestore stand-in beside the emulator', () => {
  let standin: FirestoreStandin;
  beforeAll(async () => {
    standin = await startFirestoreStandin();
  });
  afterAll(async () => {
    await standin.close();
  });

  it('answers every request of the REST adapter with the emulator’s status and shape', async () => {
    const prefix = `p${randomUUID().replaceAll('-', '').slice(0, 10)}`;

    const fromEmulator = await script(emulatorHost, prefix);
    const fromStandin = await script(standin.host, prefix);

    expect(fromStandin.map((a) => shape(a))).toEqual(fromEmulator.map((a) => shape(a)));
  });
});
