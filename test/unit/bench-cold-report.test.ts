import { describe, expect, it } from 'vitest';
import { coldNote, coldRows, storeOpsLine } from '../../scripts/lib/cold-report.js';
import { type ColdStart, coldFigures } from '../../scripts/lib/cold-result.js';
import type { ColdTrial } from '../../scripts/lib/cold-start.js';

const trial = (readyMs: number, firstEventMs: number, warmEventMs?: number): ColdTrial => ({
  readyMs,
  firstEventMs,
  totalMs: readyMs + firstEventMs,
  warmEventMs,
});
const split = { readyMs: 200, firstEventMs: 100, warmEventMs: 20, coldExtraMs: 80 };
const ops = { get: 5, create: 4, commit: 7, list: 0, query: 0, total: 16 };

/** A run where every figure was measured, with the emulator beside the stand-in; `change` tells its story. */
function measured(change: (c: ColdStart) => void = () => {}): ColdStart {
  const cold: ColdStart = {
    trials: 3,
    bare: 200,
    bareHttp: 220,
    syncTodoistEvent: 290,
    todoistWebhook: 280,
    reconcileTodoist: 300,
    ratio: { syncTodoistEvent: 1.45, todoistWebhook: 1.4, reconcileTodoist: 1.5 },
    skipped: {},
    store: 'Firestore REST stand-in (local, answers at once)',
    split: {
      bare: split,
      bareHttp: split,
      syncTodoistEvent: split,
      todoistWebhook: split,
      reconcileTodoist: split,
    },
    emulator: {
      store: 'Firestore emulator (REST)',
      bare: 210,
      syncTodoistEvent: 560,
      reconcileTodoist: 700,
      ratio: { syncTodoistEvent: 2.8, reconcileTodoist: 3.5 },
      split: { syncTodoistEvent: split, reconcileTodoist: split },
    },
    firstEventStoreOps: { syncTodoistEvent: ops, reconcileTodoist: { ...ops, list: 1, total: 17 } },
    firstEventNotionRequests: 3,
    firstEventNotionRoutes: { 'POST /v1/pages': 3 },
    oursMs: 290,
    bareMs: 200,
  };
  change(cold);
  return cold;
}

const row = (rows: Array<[string, string, string]>, label: string) => rows.find((r) => r[0].trim() === label);

describe('cold-start figures', () => {
  it('takes each function’s median and its ratio over the bare figure of the same run', () => {
    const runs = { sync: [trial(200, 90), trial(250, 150), trial(210, 100, 30)], none: [] };

    const { figures, ratio, split: splits } = coldFigures(runs, ['sync', 'none'], 200);

    expect(figures).toEqual({ sync: 310, none: null });
    expect(ratio).toEqual({ sync: 1.55, none: null });
    expect(splits.sync).toMatchObject({ readyMs: 210, firstEventMs: 100, warmEventMs: 30, coldExtraMs: 70 });
    expect(splits.none).toBeNull();
  });
});

describe('cold-start report', () => {
  it('shows the store requests of a first event by kind, leaving out kinds it never used', () => {
    expect(storeOpsLine(ops)).toBe('16: 5 get, 4 create, 7 commit');
    expect(storeOpsLine({ get: 0, create: 0, commit: 0, list: 0, query: 0, total: 0 })).toBe('0');
  });

  it('puts the emulator figure under each function that has a store, with its own ratio', () => {
    const rows = coldRows(measured());

    expect(row(rows, 'with the Firestore emulator, syncTodoistEvent (ms)')?.[1]).toBe('560 (2.8× bare)');
    expect(row(rows, 'with the Firestore emulator, reconcileTodoist (ms)')?.[1]).toBe('700 (3.5× bare)');
    expect(rows.some((r) => r[0].includes('emulator, todoistWebhook'))).toBe(false);
    expect(row(rows, 'cold start to first request, syncTodoistEvent (ms)')?.[1]).toBe('290 (1.45× bare)');
  });

  it('counts the first event’s Firestore requests beside its Notion requests', () => {
    const rows = coldRows(measured());

    expect(row(rows, 'Notion requests of the sync’s first event')?.[1]).toBe('3: 3 POST /v1/pages');
    expect(row(rows, 'Firestore requests of the first event, syncTodoistEvent')?.[1]).toBe(
      '16: 5 get, 4 create, 7 commit',
    );
    expect(row(rows, 'Firestore requests of the first event, reconcileTodoist')?.[1]).toBe(
      '17: 5 get, 4 create, 7 commit, 1 list',
    );
  });

  it('says which store the headline used, why, and that the emulator figures are beside it', () => {
    const note = coldNote(measured());

    expect(note).toContain('state store: Firestore REST stand-in (local, answers at once)');
    expect(note).toContain('every outside service answers at once');
    expect(note).toContain('Firestore emulator (REST) as their store');
  });

  it('says why the emulator figures are missing when the emulator did not start', () => {
    const cold = measured((c) => {
      c.emulator = null;
      c.skipped.emulator = 'gcloud is not on PATH, so no Firestore emulator';
    });

    expect(coldRows(cold).some((r) => r[0].includes('with the Firestore emulator'))).toBe(false);
    expect(coldNote(cold)).toContain('gcloud is not on PATH');
  });
});
