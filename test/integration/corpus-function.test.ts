import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusFile, corpusFiles, todoView } from '../support/corpus.js';
import { type FunctionProcess, pushMessage, startFunction, syncEnv } from '../support/functions.js';
import { type NotionSandbox, startNotionSandbox } from '../support/notion-sandbox/index.js';

/*
 * Both corpora through the built syncTodoistEvent (functions-framework serving dist/) on the
 * Firestore emulator and the Notion sandbox: every body is acknowledged, every valid task reaches
 * Notion with nothing blanked, each odd field is named in one WARNING, and poison is acked with
 * an ERROR.
 */

type OddCase = {
  before?: unknown[];
  body?: { event_data?: { id?: string } };
  bodyText?: string;
  expect: { outcome: string; warnings?: string[]; page?: Record<string, unknown> };
};

let sandbox: NotionSandbox;
let fn: FunctionProcess;
let serial = 0;

beforeAll(async () => {
  sandbox = await startNotionSandbox({});
  fn = await startFunction(
    'syncTodoistEvent',
    syncEnv(sandbox, { NOTION_RPS: '200', NOTION_INDEX_LAG_MS: '1', LOG_LEVEL: 'INFO' }),
  );
});
afterAll(async () => {
  await fn?.kill();
  await sandbox?.close();
});

/** Pushes one body as Pub/Sub would; resolves with the status class (2: acknowledged). */
async function push(body: string): Promise<number> {
  serial++;
  const attributes = { deliveryId: `fn-corpus-${serial}` };
  const status = await pushMessage(fn.url, { body, attributes, messageId: `m${serial}` });
  return Math.floor(status / 100);
}

const logged = () =>
  fn.lines.flatMap((l) => {
    try {
      return [JSON.parse(l) as Record<string, unknown>];
    } catch {
      return [];
    }
  });

describe('the corpora through the built function', () => {
  it('every real-shaped webhook body is acknowledged, none poison, and the task ends as its last event says', async () => {
    for (const file of corpusFiles('events'))
      expect(await push(JSON.stringify(corpusFile('events', file)))).toBe(2);
    const outcomes = logged().filter((l) => l['message'] === 'event handled' || l['ignored'] === true);
    expect(logged().filter((l) => l['severity'] === 'ERROR')).toEqual([]);
    expect(outcomes.length).toBeGreaterThanOrEqual(corpusFiles('events').length);
    expect(todoView(sandbox, '6cQhR4mN8xWq2Zb7')).toMatchObject({
      count: 1,
      Name: 'Book the boiler service (annual)',
      Done: false,
      Priority: 'P1',
    });
  });

  it('every odd input: the page present and right, one WARNING per odd field, poison acked with an ERROR', async () => {
    for (const file of corpusFiles('odd')) {
      const oddCase = corpusFile<OddCase>('odd', file);
      for (const earlier of oddCase.before ?? []) expect(await push(JSON.stringify(earlier))).toBe(2);
      const from = fn.lines.length;
      expect(await push(oddCase.bodyText ?? JSON.stringify(oddCase.body)), file).toBe(2);
      const lines = fn.lines.slice(from).flatMap((l) => {
        try {
          return [JSON.parse(l) as Record<string, unknown>];
        } catch {
          return [];
        }
      });
      if (oddCase.expect.outcome === 'poison') {
        expect(
          lines.filter((l) => l['severity'] === 'ERROR'),
          file,
        ).toHaveLength(1);
        continue;
      }
      const taskId = oddCase.body?.event_data?.id ?? '';
      const warned = lines.filter((l) => l['severity'] === 'WARNING').map((l) => l['field']);
      expect(warned, file).toEqual(oddCase.expect.warnings ?? []);
      const view = todoView(sandbox, taskId);
      expect(view?.count, file).toBe(1);
      const { Labels: _labels, AreaCount: _areas, ...fields } = oddCase.expect.page ?? {};
      expect(view, file).toMatchObject(fields);
    }
  });
});
