import { describe, expect, it } from 'vitest';
import { acquireLease, LEASES, leaseHolder } from '../../src/reconcile/lease.js';
import { completedWindow, MAX_WINDOW_MS, readLastRun, writeLastRun } from '../../src/reconcile/window.js';
import { createMemoryStore } from '../../src/state/memory.js';

function clock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('reconcile lease: one run at a time', () => {
  it('a second instance is refused while the first holds the lease', async () => {
    const store = createMemoryStore();
    const time = clock();
    const a = await acquireLease({
      store,
      name: 'reconcile',
      owner: 'a',
      ttlMs: 10_000,
      now: time.now,
      heartbeat: false,
    });
    const b = await acquireLease({
      store,
      name: 'reconcile',
      owner: 'b',
      ttlMs: 10_000,
      now: time.now,
      heartbeat: false,
    });
    expect(a).toBeDefined();
    expect(b).toBeUndefined();
    expect((await leaseHolder(store, 'reconcile', time.now))?.owner).toBe('a');
    await a?.release();
    expect(await store.get(LEASES, 'reconcile')).toBeUndefined();
    const c = await acquireLease({
      store,
      name: 'reconcile',
      owner: 'c',
      ttlMs: 10_000,
      now: time.now,
      heartbeat: false,
    });
    expect(c).toBeDefined();
  });

  it('an expired lease (a crashed holder) is taken over, and the old holder can neither renew nor free it', async () => {
    const store = createMemoryStore();
    const time = clock();
    const a = await acquireLease({
      store,
      name: 'reconcile',
      owner: 'a',
      ttlMs: 10_000,
      now: time.now,
      heartbeat: false,
    });
    time.advance(10_001);
    const b = await acquireLease({
      store,
      name: 'reconcile',
      owner: 'b',
      ttlMs: 10_000,
      now: time.now,
      heartbeat: false,
    });
    expect(b).toBeDefined();
    await expect(a?.renew()).rejects.toMatchObject({ code: 'reconcile_lease_lost' });
    expect(a?.lost()).toBe(true);
    await a?.release();
    expect((await leaseHolder(store, 'reconcile', time.now))?.owner).toBe('b');
  });

  it('renewal keeps a long run safe from takeover', async () => {
    const store = createMemoryStore();
    const time = clock();
    const a = await acquireLease({
      store,
      name: 'reconcile',
      owner: 'a',
      ttlMs: 10_000,
      now: time.now,
      heartbeat: false,
    });
    time.advance(8_000);
    await a?.renew();
    time.advance(8_000);
    const b = await acquireLease({
      store,
      name: 'reconcile',
      owner: 'b',
      ttlMs: 10_000,
      now: time.now,
      heartbeat: false,
    });
    expect(b).toBeUndefined();
  });
});

describe('completed-tasks window', () => {
  const now = Date.parse('2026-06-01T12:00:00Z');

  it('a first run looks back as far as Todoist answers (just under three months)', () => {
    const w = completedWindow(undefined, now);
    expect(w).toMatchObject({ until: '2026-06-01T12:00:00Z', firstRun: true, clamped: false });
    expect(now - Date.parse(w.since)).toBe(MAX_WINDOW_MS);
  });

  it('later runs start a little before where the last complete run ended', () => {
    const w = completedWindow({ completedUntil: '2026-06-01T11:00:00Z', finishedAt: 0 }, now);
    expect(w).toMatchObject({ since: '2026-06-01T10:55:00Z', firstRun: false, clamped: false });
  });

  it('a gap longer than Todoist allows is clamped and flagged', () => {
    const w = completedWindow({ completedUntil: '2025-01-01T00:00:00Z', finishedAt: 0 }, now);
    expect(w.clamped).toBe(true);
    expect(now - Date.parse(w.since)).toBe(MAX_WINDOW_MS);
  });

  it('the recorded end never moves back', async () => {
    const store = createMemoryStore();
    await writeLastRun(store, { completedUntil: '2026-06-01T12:00:00Z', finishedAt: 2 });
    await writeLastRun(store, { completedUntil: '2026-06-01T11:00:00Z', finishedAt: 3 });
    expect((await readLastRun(store))?.completedUntil).toBe('2026-06-01T12:00:00Z');
  });
});
