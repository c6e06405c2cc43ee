import { describe, expect, it } from 'vitest';
import { checkTwoWay } from '../../src/cli/doctor-two-way.js';
import { unitConfig } from '../support/unit-context.js';

describe('doctor: the two-way settings', () => {
  it('one-way is reported as off and nothing else is checked', async () => {
    const lines = await checkTwoWay(unitConfig(), 1_000);
    expect(lines).toEqual([expect.objectContaining({ status: 'skip', label: 'Two-way sync' })]);
  });

  it('two-way without token, topic or secret: three failures, each with its fix', async () => {
    const lines = await checkTwoWay(unitConfig({ SYNC_DIRECTION: 'two-way' }), 1_000);
    expect(lines.map((l) => [l.label, l.status])).toEqual([
      ['Two-way sync', 'ok'],
      ['Todoist token can write', 'fail'],
      ['NOTION_PUBSUB_TOPIC', 'fail'],
      ['NOTION_WEBHOOK_SECRET', 'fail'],
    ]);
    expect(lines.filter((l) => l.status === 'fail').every((l) => (l.fix ?? '') !== '')).toBe(true);
  });
});
