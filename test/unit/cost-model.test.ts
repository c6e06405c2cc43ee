import { describe, expect, it } from 'vitest';
import {
  ASSUMPTIONS,
  type CostInputs,
  type MonthlyBill,
  monthlyBill,
  type WorkUnit,
} from '../../scripts/lib/cost-model.js';
import { deployedSizes, reconcileRunsPerDay } from '../../scripts/lib/deployed-sizes.js';
import { PRICES } from '../../scripts/lib/gcp-prices.js';

const idle: WorkUnit = {
  reads: 0,
  writes: 0,
  deletes: 0,
  calls: 0,
  notionRequests: 0,
  logBytes: 0,
  localMs: 0,
  ledgerEntries: 0,
};
const size = { vcpu: 1, memoryGib: 0.5 };

/** A deployment doing nothing at all; each case changes what its story needs. */
function inputs(change: (i: CostInputs) => void = () => {}): CostInputs {
  const i: CostInputs = {
    eventsPerDay: 0,
    mix: { event: 1 },
    perEvent: { event: { ...idle } },
    webhook: { localMs: 0, logBytes: 0, messageBytes: 0 },
    reconcile: { ...idle, runsPerDay: 0 },
    sizes: { todoistWebhook: size, syncTodoistEvent: size, reconcileTodoist: size },
    coldStartMs: { todoistWebhook: 0, syncTodoistEvent: 0, reconcileTodoist: 0 },
    storage: { tasks: 0, docBytes: {}, ledgerTtlDays: 14 },
    assumptions: {
      ...ASSUMPTIONS,
      notionMs: 0,
      firestoreMs: 0,
      todoistMs: 0,
      publishMs: 0,
      platformLogBytes: 0,
    },
    prices: PRICES,
  };
  change(i);
  return i;
}

const line = (bill: MonthlyBill, name: string) => {
  const found = bill.lines.find((l) => l.line === name);
  if (!found) throw new Error(`no line ${name}`);
  return found;
};

describe('cost model: measured work and list prices → a monthly bill', () => {
  const cases: Array<{ story: string; given: CostInputs; line: string; usage: number; usd: number }> = [
    {
      story: 'a reconcile reading 1,000 documents every 15 minutes passes the 50,000 free reads a day',
      given: inputs((i) => {
        i.reconcile = { ...idle, reads: 1_000, runsPerDay: 96 };
      }),
      line: 'Firestore reads',
      usage: 96_000 * 30,
      usd: (46_000 * 30 * 0.03) / 100_000,
    },
    {
      story: 'writes inside the daily free quota cost nothing',
      given: inputs((i) => {
        i.eventsPerDay = 2_000;
        i.perEvent['event'] = { ...idle, writes: 7 };
      }),
      line: 'Firestore writes',
      usage: 14_000 * 30,
      usd: 0,
    },
    {
      story: 'ledger entries (Notion events, two-way) expire by TTL, and TTL deletes have no free tier',
      given: inputs((i) => {
        i.eventsPerDay = 100;
        i.perEvent['event'] = { ...idle, ledgerEntries: 1 };
      }),
      line: 'Firestore TTL deletes (ledger, two-way only)',
      usage: 3_000,
      usd: (3_000 * 0.01) / 100_000,
    },
    {
      story: 'a Todoist event that states no ledger entry leaves none: no TTL delete',
      given: inputs((i) => {
        i.eventsPerDay = 1_000;
        const { ledgerEntries, ...unstated } = { ...idle, reads: 1 };
        i.perEvent['event'] = unstated;
      }),
      line: 'Firestore TTL deletes (ledger, two-way only)',
      usage: 0,
      usd: 0,
    },
    {
      story: 'a 0.9 s event on a whole vCPU, 10,000 a day, passes the 180,000 free vCPU-seconds',
      given: inputs((i) => {
        i.eventsPerDay = 10_000;
        i.perEvent['event'] = { ...idle, localMs: 900 };
      }),
      line: 'Cloud Run functions vCPU',
      usage: 270_000,
      usd: 90_000 * 0.000024,
    },
    {
      story: 'billable time is rounded up to 100 ms per request',
      given: inputs((i) => {
        i.eventsPerDay = 1_000;
        i.perEvent['event'] = { ...idle, localMs: 101 };
      }),
      line: 'Cloud Run functions vCPU',
      usage: 1_000 * 30 * 0.2,
      usd: 0,
    },
    {
      story: 'Notion and Firestore round trips are billed as handler time',
      given: inputs((i) => {
        i.eventsPerDay = 100;
        i.perEvent['event'] = { ...idle, notionRequests: 1, calls: 10 };
        i.assumptions = { ...i.assumptions, notionMs: 350, firestoreMs: 5 };
      }),
      line: 'Cloud Run functions memory',
      usage: 100 * 30 * 0.4 * 0.5,
      usd: 0,
    },
    {
      story: 'a Pub/Sub message counts at least 1,000 bytes, once published and once delivered',
      given: inputs((i) => {
        i.eventsPerDay = 1_000;
        i.webhook.messageBytes = 200;
      }),
      line: 'Pub/Sub throughput',
      usage: (30 * 2 * 1_000 * 1_000) / 2 ** 30,
      usd: 0,
    },
    {
      story: 'one Cloud Scheduler job is within the three free jobs',
      given: inputs(),
      line: 'Cloud Scheduler',
      usage: 1,
      usd: 0,
    },
  ];
  for (const c of cases)
    it(c.story, () => {
      const bill = monthlyBill(c.given);
      expect(line(bill, c.line).usage).toBeCloseTo(c.usage, 6);
      expect(line(bill, c.line).usd).toBeCloseTo(c.usd, 9);
    });

  it('names the line that dominates the bill, or the one nearest its free tier when nothing is billed', () => {
    const billed = monthlyBill(
      inputs((i) => {
        i.eventsPerDay = 10_000;
        i.perEvent['event'] = { ...idle, localMs: 900 };
      }),
    );
    expect(billed.totalUsd).toBeGreaterThan(0);
    expect(billed.dominant).toMatch(/^Cloud Run functions vCPU \(\d+ % of the bill\)$/);

    const free = monthlyBill(
      inputs((i) => {
        i.reconcile = { ...idle, reads: 400, runsPerDay: 96 };
      }),
    );
    expect(free.totalUsd).toBe(0);
    expect(free.dominant).toBe('nothing billed; nearest its free tier: Firestore reads (77 % used)');
  });

  it('refuses a mix naming an event kind that was not measured', () => {
    const given = inputs((i) => {
      i.mix = { unmeasured: 1 };
    });
    expect(() => monthlyBill(given)).toThrow(/unmeasured/);
  });
});

describe('deployed sizes: what the bill is computed for', () => {
  const cloudbuild = [
    'steps:',
    '  - id: deploy-sync',
    '    args:',
    '      - functions',
    '      - deploy',
    '      - syncTodoistEvent',
    '      - --cpu=1',
    '      - --memory=512Mi',
    '  - id: deploy-reconcile',
    '    args:',
    '      - functions',
    '      - deploy',
    '      - reconcileTodoist',
    '      - --memory=1Gi',
    '  - id: build',
    '    args:',
    '      - run',
    '      - build',
  ].join('\n');

  it('reads --cpu and --memory per function, and the default vCPU of a memory size without --cpu', () => {
    expect(deployedSizes(cloudbuild)).toEqual({
      syncTodoistEvent: { vcpu: 1, memoryGib: 0.5 },
      reconcileTodoist: { vcpu: 0.583, memoryGib: 1 },
    });
  });

  // The deploy script's shell default, as written there.
  const envSh = (cron: string) => ['RECONCILE_SCHEDULE="$', '{RECONCILE_SCHEDULE:-', cron, '}"'].join('');

  it('reads the reconcile schedule as runs per day', () => {
    expect(reconcileRunsPerDay(envSh('*/15 * * * *'))).toBe(96);
    expect(reconcileRunsPerDay(envSh('7 * * * *'))).toBe(24);
    expect(reconcileRunsPerDay(envSh('0 */6 * * *'))).toBe(4);
    expect(() => reconcileRunsPerDay(envSh('0 3 * * *'))).toThrow(/schedule/);
  });
});
