import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryStore } from '../../src/state/memory.js';
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
 * The odd-input corpus (test/fixtures/odd): each case is delivered through the real handler to
 * the Notion sandbox, which refuses what Notion refuses. A valid task always ends with its page
 * present and right, absent fields untouched, and exactly one WARNING naming each odd field; a
 * poison message is acknowledged with an ERROR.
 */

type Expected = {
  outcome: string;
  warnings?: string[];
  page?: Record<string, unknown> & { Labels?: string[] | { count: number }; AreaCount?: number };
};
type OddCase = {
  about: string;
  before?: unknown[];
  body?: { event_data?: { id?: string } };
  bodyText?: string;
  expect: Expected;
};

let sandbox: NotionSandbox;
beforeAll(async () => {
  sandbox = await startNotionSandbox({});
});
afterAll(async () => {
  await sandbox?.close();
});
beforeEach(() => {
  sandbox.reset();
});

describe('odd inputs: nothing lost, nothing blanked', () => {
  it.each(corpusFiles('odd'))('%s', async (file) => {
    // Prepare: a fresh instance, and the earlier events the case builds on.
    const oddCase = corpusFile<OddCase>('odd', file);
    const lines: LogLine[] = [];
    const ctx = corpusInstance(sandbox, createMemoryStore(), lines);
    for (const earlier of oddCase.before ?? [])
      expect(await deliverRaw(ctx, JSON.stringify(earlier))).toBe('applied');
    lines.length = 0;

    // Act
    const outcome = await deliverRaw(ctx, oddCase.bodyText ?? JSON.stringify(oddCase.body));

    // Assess
    const { expect: want } = oddCase;
    expect(outcome, oddCase.about).toBe(want.outcome);
    if (want.outcome === 'poison') {
      expect(lines.filter((l) => l.severity === 'ERROR')).toHaveLength(1);
      return;
    }
    const taskId = oddCase.body?.event_data?.id ?? '';
    const warnings = lines.filter((l) => l.severity === 'WARNING');
    expect(warnings.map((w) => w['field'])).toEqual(want.warnings ?? []);
    for (const w of warnings) expect(w.message).toContain(taskId);
    const view = todoView(sandbox, taskId);
    expect(view?.count, 'exactly one live page').toBe(1);
    const { Labels, AreaCount, ...fields } = want.page ?? {};
    expect(view).toMatchObject(fields);
    if (Array.isArray(Labels)) expect(view?.Labels).toEqual(Labels);
    else if (Labels) expect(view?.Labels).toHaveLength(Labels.count);
    if (AreaCount !== undefined) expect(view?.Area).toHaveLength(AreaCount);
  });
});

describe('projects and comments: a payload without a name or content blanks nothing', () => {
  const project = corpusFile<{ event_data: Record<string, unknown> }>('events', '01-project-added.json');
  const taskAdded = corpusFile('events', '05-item-added.json');
  const note = corpusFile<{ event_data: Record<string, unknown> }>('events', '07-note-added.json');
  const plain = (items: unknown) =>
    ((items as Array<{ plain_text?: string }> | undefined) ?? []).map((i) => i.plain_text ?? '').join('');

  it('project:updated holding only the id keeps the project name', async () => {
    const ctx = corpusInstance(sandbox, createMemoryStore(), []);
    await deliverRaw(ctx, JSON.stringify(project));
    const id = String(project.event_data['id']);
    const sparse = {
      event_name: 'project:updated',
      event_data: { id },
      triggered_at: '2026-03-02T12:00:00Z',
    };
    expect(await deliverRaw(ctx, JSON.stringify(sparse))).toBe('unchanged');
    const pages = sandbox.pages({ databaseId: sandbox.databases.projects });
    expect(pages.map((p) => plain((p.properties['Name'] as { title?: unknown }).title))).toEqual([
      'Flat upkeep',
    ]);
  });

  it('project:updated whose name does not parse keeps the name, with one WARNING naming the field', async () => {
    const lines: LogLine[] = [];
    const ctx = corpusInstance(sandbox, createMemoryStore(), lines);
    await deliverRaw(ctx, JSON.stringify(project));
    const odd = { ...project, event_name: 'project:updated', triggered_at: '2026-03-02T12:00:00Z' };
    odd.event_data = { ...project.event_data, name: { text: 'Flat' }, updated_at: '2026-03-02T12:00:00Z' };
    expect(await deliverRaw(ctx, JSON.stringify(odd))).toBe('unchanged');
    expect(lines.filter((l) => l.severity === 'WARNING').map((l) => l['field'])).toEqual(['name']);
    const pages = sandbox.pages({ databaseId: sandbox.databases.projects });
    expect(pages.map((p) => plain((p.properties['Name'] as { title?: unknown }).title))).toEqual([
      'Flat upkeep',
    ]);
  });

  it('note:updated without content keeps the comment text', async () => {
    const ctx = corpusInstance(sandbox, createMemoryStore(), []);
    await deliverRaw(ctx, JSON.stringify(taskAdded));
    await deliverRaw(ctx, JSON.stringify(note));
    const { content: _content, item: _item, ...rest } = note.event_data;
    const sparse = {
      ...note,
      event_name: 'note:updated',
      event_data: rest,
      triggered_at: '2026-03-02T12:00:00Z',
    };
    expect(await deliverRaw(ctx, JSON.stringify(sparse))).toBe('unchanged');
    const page = todoView(sandbox, String(note.event_data['item_id']))?.page;
    const texts = ((page?.children ?? []) as Array<{ paragraph?: { rich_text: unknown } }>).map((b) =>
      plain(b.paragraph?.rich_text),
    );
    expect(texts).toEqual([expect.stringContaining('Landlord says any weekday works')]);
  });
});
