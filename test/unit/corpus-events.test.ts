import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SyncContext } from '../../src/handlers/context.js';
import { createMemoryStore } from '../../src/state/memory.js';
import { NOTE_EVENTS, PROJECT_EVENTS, SECTION_EVENTS, TASK_EVENTS } from '../../src/todoist/events.js';
import {
  corpusFile,
  corpusFiles,
  corpusInstance,
  deliverRaw,
  type LogLine,
  todoView,
} from '../support/corpus.js';
import { type NotionSandbox, startNotionSandbox } from '../support/notion-sandbox/index.js';

/*
 * The project's corpus of real-shaped webhook bodies (test/fixtures/events), one per event the
 * sync handles or acknowledges, written from Todoist's documented shapes. Delivered in order to
 * one instance on the sandbox: each is applied or acknowledged, none is poison or failed.
 */

const ACKNOWLEDGED = [
  'label:added',
  'label:updated',
  'label:deleted',
  'filter:added',
  'filter:updated',
  'filter:deleted',
  'reminder:fired',
];
const TASK = '6cQhR4mN8xWq2Zb7';
const RECURRING = '6cQj7Tw3Ks9vBn1D';

let sandbox: NotionSandbox;
let ctx: SyncContext;
const lines: LogLine[] = [];
beforeAll(async () => {
  sandbox = await startNotionSandbox({});
  ctx = corpusInstance(sandbox, createMemoryStore(), lines);
});
afterAll(async () => {
  await sandbox?.close();
});

describe('the webhook corpus', () => {
  it('holds a body for every event the sync handles or acknowledges', () => {
    const names = corpusFiles('events').map((f) => corpusFile('events', f)['event_name']);
    const handled = [...TASK_EVENTS, ...PROJECT_EVENTS, ...NOTE_EVENTS, ...SECTION_EVENTS, ...ACKNOWLEDGED];
    expect(handled.filter((n) => !names.includes(n))).toEqual([]);
  });

  it.each(corpusFiles('events'))('%s is applied or acknowledged, never poison', async (file) => {
    const body = corpusFile('events', file);
    const outcome = await deliverRaw(ctx, JSON.stringify(body));
    const expected = ACKNOWLEDGED.includes(String(body['event_name']))
      ? ['ignored']
      : ['applied', 'unchanged'];
    expect(expected).toContain(outcome);
    expect(lines.filter((l) => l.severity === 'ERROR' || l.severity === 'WARNING')).toEqual([]);
  });

  it('leaves the task as its last event says, and the deleted task in the trash', () => {
    expect(todoView(sandbox, TASK)).toMatchObject({
      count: 1,
      Name: 'Book the boiler service (annual)',
      Done: false,
      Due: '2026-03-06',
      Priority: 'P1',
      Labels: ['errand'],
      Description: 'Ask for a morning slot',
    });
    expect(todoView(sandbox, TASK)?.Area).toHaveLength(1);
    expect(todoView(sandbox, RECURRING)).toBeUndefined();
  });
});
