import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isBrakeError } from '../../src/exactly-once/brake.js';
import { syncComment } from '../../src/handlers/comments.js';
import type { SyncContext } from '../../src/handlers/context.js';
import { placeComment } from '../../src/mapping/comment-order.js';
import { commentUrl } from '../../src/mapping/comment-text.js';
import type { NotionBlock } from '../../src/notion/types.js';
import { createMemoryStore } from '../../src/state/memory.js';
import { parseWebhookBody } from '../../src/todoist/payload.js';
import { corpusFile, corpusInstance, deliverRaw, type LogLine, todoView } from '../support/corpus.js';
import { type NotionSandbox, startNotionSandbox } from '../support/notion-sandbox/index.js';

/*
 * A task page shows its comments in posted_at order, whatever order their events arrive in, and
 * each comment appended counts against the runaway brake like a page create.
 */

const TASK = corpusFile<{ event_data: Record<string, unknown> }>('events', '05-item-added.json');
const NOTE = corpusFile<{ event_data: Record<string, unknown> }>('events', '07-note-added.json');
const TASK_ID = String(TASK.event_data['id']);

function note(id: string, postedAt: string, content: string): string {
  const data = { ...NOTE.event_data, id, posted_at: postedAt, content };
  return JSON.stringify({ ...NOTE, event_data: data, triggered_at: postedAt });
}

const plain = (items: unknown) =>
  ((items as Array<{ plain_text?: string }> | undefined) ?? []).map((i) => i.plain_text ?? '').join('');
type Block = { in_trash: boolean; paragraph?: { rich_text: unknown } };

let sandbox: NotionSandbox;
beforeAll(async () => {
  sandbox = await startNotionSandbox({});
});
afterAll(async () => {
  await sandbox?.close();
});
beforeEach(() => sandbox.reset());

/** The texts of the task page's live paragraphs, top to bottom (the date prefix dropped). */
function shown(): string[] {
  const page = todoView(sandbox, TASK_ID)?.page;
  return ((page?.children ?? []) as Block[])
    .filter((b) => !b.in_trash)
    .map((b) => plain(b.paragraph?.rich_text).replace(/^.* — /, ''));
}

async function withTask(env: Record<string, string> = {}): Promise<SyncContext> {
  const ctx = corpusInstance(sandbox, createMemoryStore(), [] as LogLine[], env);
  expect(await deliverRaw(ctx, JSON.stringify(TASK))).toBe('applied');
  return ctx;
}

describe('comments in posted_at order', () => {
  it('comments arriving newest first still read oldest first', async () => {
    const ctx = await withTask();
    await deliverRaw(ctx, note('c3', '2026-03-02T09:50:00.000000Z', 'third'));
    await deliverRaw(ctx, note('c2', '2026-03-02T09:40:00.000000Z', 'second'));
    await deliverRaw(ctx, note('c4', '2026-03-02T09:55:00.000000Z', 'fourth'));
    await deliverRaw(ctx, note('c1', '2026-03-02T09:30:00.000000Z', 'first'));
    expect(shown()).toEqual(['first', 'second', 'third', 'fourth']);
  });

  it('placing a new comment costs no extra request: one listing, one append', async () => {
    const fresh = await withTask();
    await deliverRaw(fresh, note('c2', '2026-03-02T09:40:00.000000Z', 'second'));
    const before = sandbox.counts().byRoute;
    await deliverRaw(fresh, note('c3', '2026-03-02T09:50:00.000000Z', 'third'));
    const after = sandbox.counts().byRoute;
    const delta = (route: string) => (after[route] ?? 0) - (before[route] ?? 0);
    expect(delta('GET /v1/blocks/:id/children')).toBe(1);
    expect(delta('PATCH /v1/blocks/:id/children')).toBe(1);
  });

  it('two comments in the same minute keep their order to the microsecond', async () => {
    const ctx = await withTask();
    await deliverRaw(ctx, note('c2', '2026-03-02T09:40:00.500000Z', 'later'));
    await deliverRaw(ctx, note('c1', '2026-03-02T09:40:00.000001Z', 'earlier'));
    expect(shown()).toEqual(['earlier', 'later']);
  });

  it('a moved comment is still edited in place by its later update', async () => {
    const ctx = await withTask();
    await deliverRaw(ctx, note('c2', '2026-03-02T09:40:00.000000Z', 'second'));
    await deliverRaw(ctx, note('c1', '2026-03-02T09:30:00.000000Z', 'first'));
    const edit = JSON.parse(note('c2', '2026-03-02T09:40:00.000000Z', 'second, edited'));
    edit.event_name = 'note:updated';
    edit.triggered_at = '2026-03-02T10:00:00.000000Z';
    expect(await deliverRaw(ctx, JSON.stringify(edit))).toBe('applied');
    expect(shown()).toEqual(['first', 'second, edited']);
  });

  it('a user block above the comments stays above them', () => {
    const block = (id: string, url?: string): NotionBlock => ({
      id,
      type: 'paragraph',
      in_trash: false,
      richText: url ? [{ plain_text: 'x', text: { content: 'x', link: { url } } }] : [],
    });
    const children = [
      block('mine'),
      block('b2', commentUrl('t', 'c2', '2026-03-02T09:40:00Z')),
      block('b3', commentUrl('t', 'c3', '2026-03-02T09:50:00Z')),
    ];
    const key = (at: string, id: string) =>
      `${(BigInt(Date.parse(at)) * 1000n).toString().padStart(20, '0')}|${id}`;
    expect(placeComment(children, key('2026-03-02T09:30:00Z', 'c1'))).toEqual({ after: 'mine' });
    expect(placeComment(children, key('2026-03-02T09:45:00Z', 'c9'))).toEqual({ after: 'b2' });
    expect(placeComment(children.slice(1), key('2026-03-02T09:30:00Z', 'c1'))).toEqual({
      displace: { blockId: 'b2', noteId: 'c2' },
    });
  });
});

describe('comment appends and the runaway brake', () => {
  it('each append counts like a create: over the limit the comment is refused transiently', async () => {
    // Prepare: a limit of 2 creates a minute; the task's page and its project use both.
    const ctx = await withTask({ CREATE_LIMIT_PER_MINUTE: '2' });
    expect(ctx.brake?.counts()).toMatchObject({ todo: 1 });
    const event = parseWebhookBody(note('c1', '2026-03-02T09:30:00.000000Z', 'first'));
    if (event.kind !== 'note') throw new Error('expected a note event');

    // Act + assess: the first append passes (comment count 1 of 2), the third is refused.
    await syncComment(ctx, event);
    expect(ctx.brake?.counts()).toMatchObject({ comment: 1 });
    const second = parseWebhookBody(note('c2', '2026-03-02T09:31:00.000000Z', 'second'));
    const third = parseWebhookBody(note('c3', '2026-03-02T09:32:00.000000Z', 'third'));
    if (second.kind !== 'note' || third.kind !== 'note') throw new Error('expected note events');
    await syncComment(ctx, second);
    const refused = await syncComment(ctx, third).catch((e: unknown) => e);
    expect(isBrakeError(refused)).toBe(true);
    expect(shown()).toEqual(['first', 'second']);
  });
});
