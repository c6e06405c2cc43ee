import { describe, expect, it } from 'vitest';
import { scanNotionEdits } from '../../src/reconcile/notion-scan.js';
import { makeTask } from '../support/todoist-fake/records.js';
import { twoWayWorkspace } from '../support/two-way-unit.js';
import { IDS } from '../support/unit-context.js';

const title = (text: string) => ({ title: [{ type: 'text' as const, text: { content: text } }] });

/** A workspace holding one task synced to its page. */
async function synced(task = makeTask({ id: 'T1', content: 'Buy milk', labels: ['area:Home', 'shop'] })) {
  const w = twoWayWorkspace();
  const ctx = w.instance();
  await w.deliverTodoist(ctx, w.add(task));
  const page = w.notion.pages(IDS.todos)[0];
  if (!page) throw new Error('no page');
  w.notion.resetCounts();
  return { w, ctx, pageId: page.id };
}

const patches = (w: ReturnType<typeof twoWayWorkspace>) =>
  w.notion.api.stats().byRoute['PATCH /v1/pages/:id'] ?? 0;

describe('a person edits a synced task in Notion', () => {
  it('the rename reaches Todoist once; the webhook it triggers writes nothing back to Notion', async () => {
    const { w, ctx, pageId } = await synced();
    await w.notion.api.updatePage(pageId, { properties: { Name: title('Buy oat milk') } });
    w.notion.resetCounts();

    expect(await w.deliverNotion(ctx, w.notionEvent(pageId))).toBe('sent');
    expect(w.applier.executed.map((c) => [c.type, c.args])).toEqual([
      ['item_update', { id: 'T1', content: 'Buy oat milk' }],
    ]);
    expect(w.tasks.get('T1')?.['content']).toBe('Buy oat milk');

    await w.flushOutbox(ctx);
    expect(patches(w)).toBe(0);
  });

  it('an event redelivered three times, and a later event over the same page, send nothing more', async () => {
    const { w, ctx, pageId } = await synced();
    await w.notion.api.updatePage(pageId, { properties: { Done: { checkbox: true } } });
    const event = w.notionEvent(pageId, { id: 'ev-1' });
    expect(await w.deliverNotion(ctx, event)).toBe('sent');
    for (let i = 0; i < 3; i++) expect(await w.deliverNotion(ctx, event)).toBe('duplicate');
    expect(await w.deliverNotion(ctx, w.notionEvent(pageId))).toBe('unchanged');
    expect(w.applier.executed.map((c) => c.type)).toEqual(['item_close']);
    await w.flushOutbox(ctx);
    expect(w.notion.pages(IDS.todos)[0]?.properties['Done']).toMatchObject({ checkbox: true });
  });

  it('events of our own writes are skipped by author, and diff to nothing even when the author is unknown', async () => {
    const { w, ctx, pageId } = await synced();
    expect(await w.deliverNotion(ctx, w.notionEvent(pageId, { author: 'bot' }))).toBe('own');
    expect(await w.deliverNotion(ctx, w.notionEvent(pageId))).toBe('unchanged');
    expect(w.applier.executed).toEqual([]);
  });

  it('two instances handling the same edit at once apply it to Todoist once', async () => {
    const { w, pageId } = await synced();
    await w.notion.api.updatePage(pageId, { properties: { Priority: { select: { name: 'P1' } } } });
    const [a, b] = [w.instance(), w.instance()];
    await Promise.all([w.deliverNotion(a, w.notionEvent(pageId)), w.deliverNotion(b, w.notionEvent(pageId))]);
    expect(w.applier.executed.map((c) => [c.type, c.args])).toEqual([
      ['item_update', { id: 'T1', priority: 4 }],
    ]);
  });
});

describe('edits on both sides', () => {
  it('different fields: neither side clobbers the other', async () => {
    const { w, ctx, pageId } = await synced();
    await w.notion.api.updatePage(pageId, { properties: { Name: title('Buy oat milk') } });
    await w.deliverTodoist(ctx, w.todoistEdit('T1', { priority: 4 }));
    const page = () => w.notion.pages(IDS.todos)[0]?.properties;
    expect(w.notion.text(page()?.['Name'])).toBe('Buy oat milk');
    expect(page()?.['Priority']).toMatchObject({ select: { name: 'P1' } });

    expect(await w.deliverNotion(ctx, w.notionEvent(pageId))).toBe('sent');
    expect(w.applier.executed.map((c) => c.args)).toEqual([{ id: 'T1', content: 'Buy oat milk' }]);
    expect(w.tasks.get('T1')).toMatchObject({ content: 'Buy oat milk', priority: 4 });
  });

  it.each([
    ['Notion edited later: Notion wins', 'notion', 'Oat milk (Notion)'],
    ['Todoist edited later: Todoist wins', 'todoist', 'Milk (Todoist)'],
  ] as const)('the same field, %s', async (_case, later, expected) => {
    const { w, ctx, pageId } = await synced();
    const t0 = Date.now();
    const [notionAt, todoistAt] = later === 'notion' ? [t0 + 2_000, t0 + 1_000] : [t0 + 1_000, t0 + 2_000];
    await w.notion.api.updatePage(pageId, { properties: { Name: title('Oat milk (Notion)') } });
    await w.deliverTodoist(ctx, w.todoistEdit('T1', { content: 'Milk (Todoist)' }, new Date(todoistAt)));
    await w.deliverNotion(ctx, w.notionEvent(pageId, { at: new Date(notionAt) }));
    await w.flushOutbox(ctx);

    expect(w.tasks.get('T1')?.['content']).toBe(expected);
    expect(w.notion.text(w.notion.pages(IDS.todos)[0]?.properties['Name'])).toBe(expected);
    expect(w.applier.executed).toHaveLength(later === 'notion' ? 1 : 0);
  });

  it('a Todoist change whose webhook has not arrived yet: the Notion edit waits for it, then the later one wins', async () => {
    const { w, ctx, pageId } = await synced();
    const t0 = Date.now();
    await w.notion.api.updatePage(pageId, { properties: { Name: title('Oat milk (Notion)') } });
    const late = w.todoistEdit('T1', { content: 'Milk (Todoist)' }, new Date(t0 + 1_000));
    const event = w.notionEvent(pageId, { at: new Date(t0) });
    await expect(w.deliverNotion(ctx, event)).rejects.toMatchObject({ code: 'todoist_change_pending' });
    await w.deliverTodoist(ctx, late);
    await w.deliverNotion(ctx, event);
    expect(w.applier.executed).toEqual([]);
    expect(w.notion.text(w.notion.pages(IDS.todos)[0]?.properties['Name'])).toBe('Milk (Todoist)');
  });
});

describe('recurring tasks', () => {
  const recurring = makeTask({
    id: 'R1',
    content: 'Water plants',
    due: { date: '2026-12-07', string: 'every monday', is_recurring: true, timezone: null, lang: 'en' },
  });

  it('ticking Done completes the occurrence; the page then shows the next one, unticked', async () => {
    const { w, ctx, pageId } = await synced(recurring);
    await w.notion.api.updatePage(pageId, { properties: { Done: { checkbox: true } } });
    await w.deliverNotion(ctx, w.notionEvent(pageId));
    expect(w.applier.executed.map((c) => c.type)).toEqual(['item_close']);
    await w.flushOutbox(ctx);
    const page = w.notion.pages(IDS.todos)[0]?.properties;
    expect(page?.['Done']).toMatchObject({ checkbox: false });
    expect(page?.['Due']).toMatchObject({ date: { start: '2026-12-14' } });
  });

  it('a date typed in Notion keeps the recurrence', async () => {
    const { w, ctx, pageId } = await synced(recurring);
    await w.notion.api.updatePage(pageId, { properties: { Due: { date: { start: '2026-12-08' } } } });
    await w.deliverNotion(ctx, w.notionEvent(pageId));
    expect(w.tasks.get('R1')?.['due']).toMatchObject({
      date: '2026-12-08',
      string: 'every monday',
      is_recurring: true,
    });
  });
});

describe('a to-do made in Notion', () => {
  it('delivered to two instances at once, it becomes one Todoist task, and its webhook adopts the page', async () => {
    const w = twoWayWorkspace();
    const page = await w.notion.api.createPage(IDS.todos, { Name: title('Call the plumber') });
    const [a, b] = [w.instance(), w.instance()];
    await Promise.all([
      w.deliverNotion(a, w.notionEvent(page.id, { type: 'page.created' })),
      w.deliverNotion(b, w.notionEvent(page.id)),
    ]);
    const adds = w.applier.executed.filter((c) => c.type === 'item_add');
    expect(adds).toHaveLength(1);
    const taskId = [...w.tasks.keys()][0] ?? '';
    expect(w.notion.text(w.notion.pages(IDS.todos)[0]?.properties['Todoist ID'])).toBe(taskId);

    await w.flushOutbox(a);
    expect(w.notion.pages(IDS.todos)).toHaveLength(1);
    await w.deliverNotion(b, w.notionEvent(page.id));
    expect(w.applier.executed.filter((c) => c.type === 'item_add')).toHaveLength(1);
  });
});

describe('a to-do made in Notion whose webhook outruns it', () => {
  it('the page the webhook made before the claim pointed at ours goes to the trash: one live page', async () => {
    // Prepare: Todoist's item:added webhook reaches instance b before a has pointed the task's claim.
    const w = twoWayWorkspace();
    const page = await w.notion.api.createPage(IDS.todos, { Name: title('Fix the gate') });
    const [a, b] = [w.instance(), w.instance()];
    const writer = a.todoistWriter;
    if (!writer) throw new Error('two-way instances have a Todoist writer');
    a.todoistWriter = {
      ...writer,
      async sync(commands) {
        const answer = await writer.sync(commands);
        await w.flushOutbox(b);
        return answer;
      },
    };
    // Act
    await w.deliverNotion(a, w.notionEvent(page.id, { type: 'page.created' }));
    // Assess
    const live = w.notion.pages(IDS.todos).filter((p) => !p.in_trash);
    expect(w.notion.pages(IDS.todos)).toHaveLength(2);
    expect(live.map((p) => p.id)).toEqual([page.id]);
    expect(w.notion.text(live[0]?.properties['Todoist ID'])).toBe([...w.tasks.keys()][0]);
  });
});

describe('a page trashed in Notion', () => {
  it.each([
    ['ignore', undefined],
    ['complete', 'item_close'],
    ['delete', 'item_delete'],
  ] as const)('NOTION_TRASH_ACTION=%s', async (action, command) => {
    const w = twoWayWorkspace({ NOTION_TRASH_ACTION: action });
    const ctx = w.instance();
    await w.deliverTodoist(ctx, w.add(makeTask({ id: 'T9', content: 'Old idea' })));
    const pageId = w.notion.pages(IDS.todos)[0]?.id ?? '';
    await w.notion.api.updatePage(pageId, { inTrash: true });
    await w.deliverNotion(ctx, w.notionEvent(pageId, { type: 'page.deleted' }));
    expect(w.applier.executed.map((c) => c.type)).toEqual(command ? [command] : []);
    // The webhook our command triggers must not bring the trashed page back.
    await w.flushOutbox(ctx);
    expect(w.notion.pages(IDS.todos).filter((p) => !p.in_trash)).toEqual([]);
  });
});

describe('the reconcile scan of Notion edits', () => {
  it('applies an edit whose event was lost, once; a workspace in step writes nothing to Todoist', async () => {
    const { w, ctx, pageId } = await synced();
    const page = w.notion.pages(IDS.todos)[0];
    await w.notion.api.updatePage(pageId, { properties: { Name: title('Buy oat milk') } });
    if (page) page.last_edited_time = new Date().toISOString();

    expect(await scanNotionEdits(ctx)).toMatchObject({ scanned: 1, sent: 1 });
    await w.flushOutbox(ctx);
    expect(await scanNotionEdits(ctx)).toMatchObject({ scanned: 1, sent: 0 });
    expect(w.applier.executed.map((c) => c.args)).toEqual([{ id: 'T1', content: 'Buy oat milk' }]);
  });
});
