import { describe, expect, it } from 'vitest';
import type { SyncContext } from '../../src/handlers/context.js';
import type { TodoistWriter } from '../../src/todoist/sync-writer.js';
import { makeTask } from '../support/todoist-fake/records.js';
import { twoWayWorkspace } from '../support/two-way-unit.js';
import { IDS } from '../support/unit-context.js';

const description = (text: string) => ({ rich_text: [{ type: 'text' as const, text: { content: text } }] });

/**
 * A person edits Description in Notion; right after, another person renames the task in Todoist.
 * The Todoist webhook is applied by another instance at a chosen moment of the Notion event's
 * handling, so each interleaving of the two is replayed deterministically.
 */
async function crossing() {
  const w = twoWayWorkspace();
  const todoistSide = w.instance();
  await w.deliverTodoist(todoistSide, w.add(makeTask({ id: 'T1', content: 'Buy oat milk' })));
  const pageId = w.notion.pages(IDS.todos)[0]?.id ?? '';
  const editedAt = new Date();
  await w.notion.api.updatePage(pageId, { properties: { Description: description('oat, not soy') } });
  const rename = () =>
    w.deliverTodoist(
      todoistSide,
      w.todoistEdit('T1', { content: 'Buy oat milk (2 l)' }, new Date(editedAt.getTime() + 1_000)),
    );
  const assess = async () => {
    await w.flushOutbox(todoistSide);
    const page = w.notion.pages(IDS.todos)[0]?.properties;
    expect(w.applier.executed.map((c) => c.args)).toEqual([{ id: 'T1', description: 'oat, not soy' }]);
    expect(w.tasks.get('T1')).toMatchObject({ content: 'Buy oat milk (2 l)', description: 'oat, not soy' });
    expect(w.notion.text(page?.['Name'])).toBe('Buy oat milk (2 l)');
    expect(w.notion.text(page?.['Description'])).toBe('oat, not soy');
  };
  return { w, pageId, editedAt, rename, assess };
}

/** An instance whose page reads are snapshots, as HTTP answers are; `after` runs after read number `nth`. */
function snapshotReads(
  ctx: SyncContext,
  after: () => Promise<unknown> = async () => undefined,
  nth = 1,
): SyncContext {
  const read = ctx.notion.retrievePage.bind(ctx.notion);
  let reads = 0;
  return {
    ...ctx,
    notion: {
      ...ctx.notion,
      async retrievePage(id: string) {
        const snapshot = structuredClone(await read(id));
        reads += 1;
        if (reads === nth) await after();
        return snapshot;
      },
    },
  };
}

describe('crossing edits of different fields, whatever the interleaving', () => {
  it('the rename is written to the page after the Notion handler read it: the old name is not sent back', async () => {
    const { w, pageId, editedAt, rename, assess } = await crossing();
    // The rename lands (page PATCH, state recorded) right after the handler read the page.
    const reader = snapshotReads(w.instance(), rename);

    await w.deliverNotion(reader, w.notionEvent(pageId, { at: editedAt }));

    await assess();
  });

  it('the rename lands while the page is read the second time: state and page are read once more', async () => {
    const { w, pageId, editedAt, rename, assess } = await crossing();
    const reader = snapshotReads(w.instance(), rename, 2);

    await w.deliverNotion(reader, w.notionEvent(pageId, { at: editedAt }));

    await assess();
  });

  it('the rename lands between the send and the record: the retry does not diff a stale page', async () => {
    const { w, pageId, editedAt, rename, assess } = await crossing();
    const notionSide = snapshotReads(w.instance());
    let first = true;
    const writer: TodoistWriter = {
      ...w.writer,
      async sync(commands) {
        const answer = await w.writer.sync(commands);
        if (first) {
          first = false;
          await rename();
        }
        return answer;
      },
    };

    await w.deliverNotion({ ...notionSide, todoistWriter: writer }, w.notionEvent(pageId, { at: editedAt }));

    await assess();
  });
});
