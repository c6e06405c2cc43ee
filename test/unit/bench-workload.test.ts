import { describe, expect, it } from 'vitest';
import { benchPlan } from '../../scripts/lib/bench-workload.js';
import { demoScenario } from '../../scripts/lib/demo-scenario.js';
import { parseWebhookBody } from '../../src/todoist/payload.js';

describe('the benchmark workload', () => {
  const plan = benchPlan();

  it('holds at least 500 events over at least 100 tasks and 8 Areas', () => {
    expect(plan.workload.events.length).toBeGreaterThanOrEqual(500);
    expect(plan.workload.expected.size).toBeGreaterThanOrEqual(100);
    expect(plan.workload.areaNames.length).toBeGreaterThanOrEqual(8);
  });

  it('delivers every event once, plus 30% redeliveries, each after its first copy', () => {
    const firsts = plan.deliveries.filter((d) => d.kind === 'first');
    const extra = plan.deliveries.filter((d) => d.kind !== 'first');
    expect(new Set(firsts.map((d) => d.deliveryId)).size).toBe(plan.workload.events.length);
    expect(extra.length).toBe(Math.round(plan.workload.events.length * 0.3));
    for (const copy of extra) {
      const original = plan.deliveries.findIndex((d) => d.deliveryId === copy.deliveryId);
      expect(plan.deliveries.indexOf(copy)).toBeGreaterThan(original);
    }
  });

  it('mixes Todoist retries (same delivery id, new message) with Pub/Sub redeliveries (same message)', () => {
    const retries = plan.deliveries.filter((d) => d.kind === 'todoist-retry');
    const redeliveries = plan.deliveries.filter((d) => d.kind === 'pubsub-redelivery');
    expect(retries.length).toBeGreaterThan(50);
    expect(redeliveries.length).toBeGreaterThan(50);
    for (const r of retries) expect(r.messageKey).not.toBe(`msg-${r.deliveryId}`);
    for (const r of redeliveries) expect(r.messageKey).toBe(`msg-${r.deliveryId}`);
  });

  it('has some events overtaken by a newer edit of their task, and is the same on every run', () => {
    expect(plan.outOfOrder).toBeGreaterThan(0);
    expect(benchPlan().deliveries.map((d) => d.messageKey)).toEqual(plan.deliveries.map((d) => d.messageKey));
  });
});

describe('the demo scenario', () => {
  const scenario = demoScenario();

  it('is made of bodies the sync parses, with the cases the demo promises', () => {
    const all = [...scenario.burst, ...scenario.late];
    const parsed = all.map((w) => parseWebhookBody(Buffer.from(w.body)));
    const names = parsed.map((p) => p.eventName);
    expect(names).toContain('item:deleted');
    expect(names).toContain('project:added');
    expect(all.some((w) => w.body.includes('"update_intent":"item_completed"'))).toBe(true);
    expect(all.filter((w) => w.retryOf).length).toBeGreaterThan(0);
    expect(all.filter((w) => w.signature !== 'valid').map((w) => w.signature)).toEqual(['missing', 'wrong']);
  });
});
