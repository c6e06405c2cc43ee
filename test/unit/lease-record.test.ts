import { describe, expect, it } from 'vitest';
import { holdLease } from '../../src/exactly-once/lease-holder.js';
import { acquireRecord, type LeaseFields, type LeaseRules } from '../../src/exactly-once/lease-record.js';
import { createMemoryStore } from '../../src/state/memory.js';
import type { StateStore } from '../../src/state/store.js';

interface Job extends LeaseFields {
  done: boolean;
}

function clock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

const LEASE_MS = 10_000;

function rules(store: StateStore, owner: string, now: () => number, resumeOwn = false): LeaseRules<Job> {
  return { store, collection: 'jobs', owner, now, isDone: (job) => job.done, resumeOwn };
}

function job(owner: string, now: () => number) {
  return (previous: Job | undefined): Job => ({
    ...previous,
    done: false,
    owner,
    leaseUntil: now() + LEASE_MS,
  });
}

function holder(store: StateStore, owner: string, now: () => number) {
  return {
    store,
    collection: 'jobs',
    id: 'j1',
    owner,
    leaseMs: LEASE_MS,
    now,
    lost: (cause?: unknown) => Object.assign(new Error('lost'), { code: 'lease_lost', cause }),
  };
}

describe('the record layer under every lease', () => {
  it('the first caller creates the record; a second one is answered with it and does not win', async () => {
    const store = createMemoryStore();
    const time = clock();
    const a = await acquireRecord(rules(store, 'a', time.now), 'j1', undefined, job('a', time.now));
    const b = await acquireRecord(rules(store, 'b', time.now), 'j1', undefined, job('b', time.now));
    expect(a).toMatchObject({ outcome: 'won', fresh: true });
    expect(b.outcome).toBe('held');
    expect(b.outcome === 'held' && b.record.data.owner).toBe('a');
  });

  it('a record whose lease ran out is taken over once, by a version-guarded update', async () => {
    const store = createMemoryStore();
    const time = clock();
    await acquireRecord(rules(store, 'a', time.now), 'j1', undefined, job('a', time.now));
    time.advance(LEASE_MS);
    const seen = await store.get<Job>('jobs', 'j1');
    const b = await acquireRecord(rules(store, 'b', time.now), 'j1', seen, job('b', time.now));
    const c = await acquireRecord(rules(store, 'c', time.now), 'j1', seen, job('c', time.now));
    expect(b).toMatchObject({ outcome: 'won', fresh: false, previousOwner: 'a' });
    expect(c.outcome).toBe('raced');
    expect((await store.get<Job>('jobs', 'j1'))?.data.owner).toBe('b');
  });

  it('a caller that creates without reading first takes an expired record over from its read-back', async () => {
    // Prepare: a record whose holder died; the caller has not read it.
    const store = createMemoryStore();
    const time = clock();
    await acquireRecord(rules(store, 'a', time.now), 'j1', undefined, job('a', time.now));
    time.advance(LEASE_MS);
    // Act
    const b = await acquireRecord(rules(store, 'b', time.now), 'j1', undefined, job('b', time.now));
    // Assess: the refused create read the record back and took it over; it is not b's fresh record.
    expect(b).toMatchObject({ outcome: 'won', fresh: false, previousOwner: 'a' });
    expect((await store.get<Job>('jobs', 'j1'))?.data.owner).toBe('b');
  });

  it('a done record is never taken over, even long after its lease', async () => {
    const store = createMemoryStore();
    const time = clock();
    await store.create<Job>('jobs', 'j1', { owner: 'a', leaseUntil: 0, done: true });
    time.advance(10 * LEASE_MS);
    const b = await acquireRecord(rules(store, 'b', time.now), 'j1', undefined, job('b', time.now));
    expect(b.outcome).toBe('done');
  });

  it('an owner picks its own live record up only when its rules say it may', async () => {
    const store = createMemoryStore();
    const time = clock();
    await acquireRecord(rules(store, 'a', time.now), 'j1', undefined, job('a', time.now));
    const strict = await acquireRecord(rules(store, 'a', time.now), 'j1', undefined, job('a', time.now));
    const resuming = await acquireRecord(
      rules(store, 'a', time.now, true),
      'j1',
      undefined,
      job('a', time.now),
    );
    expect(strict.outcome).toBe('held');
    expect(resuming).toMatchObject({ outcome: 'won', fresh: false });
  });

  it('a holder overtaken after its lease cannot write, renew or free the successor’s record', async () => {
    const store = createMemoryStore();
    const time = clock();
    const won = await acquireRecord(rules(store, 'a', time.now), 'j1', undefined, job('a', time.now));
    if (won.outcome !== 'won') throw new Error('a should win');
    const a = holdLease(holder(store, 'a', time.now), won.record);
    await a.renew();
    time.advance(LEASE_MS);
    const seen = await store.get<Job>('jobs', 'j1');
    const b = await acquireRecord(rules(store, 'b', time.now), 'j1', seen, job('b', time.now));
    expect(b.outcome).toBe('won');

    await expect(a.write({ done: true })).rejects.toMatchObject({ code: 'lease_lost' });
    expect(a.lost()).toBe(true);
    await expect(a.renew()).rejects.toMatchObject({ code: 'lease_lost' });
    await a.release();
    expect(await store.get<Job>('jobs', 'j1')).toMatchObject({ data: { owner: 'b', done: false } });
  });

  it('a holder’s writes are serialised, each fenced by the version the previous one left', async () => {
    const store = createMemoryStore();
    const time = clock();
    const won = await acquireRecord(rules(store, 'a', time.now), 'j1', undefined, job('a', time.now));
    if (won.outcome !== 'won') throw new Error('a should win');
    const a = holdLease(holder(store, 'a', time.now), won.record);
    await Promise.all([a.renew(), a.write({ done: true }), a.renew()]);
    expect(a.lost()).toBe(false);
    expect((await store.get<Job>('jobs', 'j1'))?.data.done).toBe(true);
    await a.release();
    expect(await store.get<Job>('jobs', 'j1')).toBeUndefined();
  });
});
