import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { countingStore, opsBetween } from '../../scripts/lib/counting-store.js';
import { loadConfig } from '../../src/config/index.js';
import type { SyncContext } from '../../src/handlers/context.js';
import { handleMessage } from '../../src/handlers/handle-message.js';
import { silentLogger } from '../../src/log/logger.js';
import { createSyncContext } from '../../src/runtime.js';
import { createMemoryStore } from '../../src/state/memory.js';
import type { StateStore } from '../../src/state/store.js';
import { type NotionSandbox, type SandboxPage, startNotionSandbox } from '../support/notion-sandbox/index.js';
import { fixtureJson as fixture } from '../support/todoist-fake/fixtures.js';

/*
 * Comments, subtasks and sections against the Notion sandbox (lagging index, real HTTP client),
 * with in-process instances sharing one state store as several Cloud Run instances share Firestore.
 */

const TASK = fixture('item-added.v1-shape.json');
const NOTE = fixture('note-added.json');
const TASK_ID = String(TASK.event_data['id']);

const at = (minute: number) => `2025-02-10T11:${String(minute).padStart(2, '0')}:00.000000Z`;

function taskEvent(task: Record<string, unknown>, minute: number, eventName = 'item:added'): string {
  const data = { ...TASK.event_data, labels: [], updated_at: at(minute), ...task };
  return JSON.stringify({ ...TASK, event_name: eventName, event_data: data, triggered_at: at(minute) });
}

function noteEvent(note: Record<string, unknown>, triggeredAt: string, eventName = 'note:added'): string {
  const data = { ...NOTE.event_data, ...note };
  return JSON.stringify({ ...NOTE, event_name: eventName, event_data: data, triggered_at: triggeredAt });
}

function sectionEvent(section: Record<string, unknown>, minute: number, eventName = 'section:added'): string {
  const data = { is_deleted: false, is_archived: false, ...section };
  return JSON.stringify({ ...NOTE, event_name: eventName, event_data: data, triggered_at: at(minute) });
}

let sandbox: NotionSandbox;
let store: StateStore;
let serial = 0;

/** One instance of the sync (its own Notion client, claims memo and owner id) on the shared store. */
function instance(): SyncContext {
  const config = loadConfig(
    {
      NOTION_TOKEN: 'secret-token-for-tests',
      NOTION_BASE_URL: sandbox.url,
      NOTION_AREAS_DATABASE_ID: sandbox.databases.areas,
      NOTION_PROJECTS_DATABASE_ID: sandbox.databases.projects,
      NOTION_TODOS_DATABASE_ID: sandbox.databases.todos,
      NOTION_RPS: '300',
      NOTION_CONCURRENCY: '8',
      NOTION_INDEX_LAG_MS: '400',
      NOTION_TIMEOUT_MS: '4000',
      CLAIM_LEASE_MS: '8000',
      STATE_STORE: 'memory',
    },
    'sync',
  );
  return createSyncContext(config, silentLogger, { store });
}

function deliver(ctx: SyncContext, body: string, deliveryId = `d${++serial}`) {
  return handleMessage(ctx, {
    body: Buffer.from(body),
    attributes: { deliveryId },
    messageId: `m${++serial}`,
  });
}

const plain = (items: unknown) =>
  ((items as Array<{ plain_text?: string }> | undefined) ?? []).map((i) => i.plain_text ?? '').join('');

function todo(taskId: string): SandboxPage | undefined {
  return sandbox
    .pages({ databaseId: sandbox.databases.todos })
    .find((p) => plain((p.properties['Todoist ID'] as { rich_text?: unknown }).rich_text) === taskId);
}

type Block = { id: string; in_trash: boolean; paragraph?: { rich_text: unknown } };
/** Paragraphs of a task's page: live ones by default, trashed ones too with `all`. */
function paragraphs(taskId: string, all = false): Array<{ id: string; text: string }> {
  return ((todo(taskId)?.children ?? []) as Block[])
    .filter((b) => all || !b.in_trash)
    .map((b) => ({ id: b.id, text: plain(b.paragraph?.rich_text) }));
}

/** A property of a task's page as the sandbox holds it (undefined without a page). */
const prop = <T>(taskId: string, name: string) => todo(taskId)?.properties[name] as T | undefined;
const parentOf = (taskId: string) =>
  (prop<{ relation?: Array<{ id: string }> }>(taskId, 'Parent')?.relation ?? []).map((r) => r.id);
const sectionOf = (taskId: string) =>
  prop<{ select: { name: string } | null }>(taskId, 'Section')?.select?.name ?? null;

beforeAll(async () => {
  sandbox = await startNotionSandbox({ lagMs: 300 });
});
afterAll(async () => {
  await sandbox?.close();
});
beforeEach(() => {
  sandbox.reset();
  sandbox.setFaults({ latencyMs: 0 });
  store = createMemoryStore();
});

describe('comments mirrored into the Todo page', () => {
  it('a comment appears once as a dated paragraph, however often it is delivered', async () => {
    const counted = countingStore(store);
    store = counted;
    const ctx = instance();
    await deliver(ctx, taskEvent({}, 1));
    const body = JSON.stringify(NOTE);
    expect(await deliver(ctx, body, 'note-1')).toBe('applied');
    const before = { ops: counted.counts(), requests: sandbox.counts().total };
    expect(await deliver(ctx, body, 'note-1')).toBe('duplicate');
    expect(await deliver(ctx, body, 'note-1-again')).toBe('duplicate');
    expect(await deliver(instance(), body, 'note-1-elsewhere')).toBe('duplicate');
    expect(paragraphs(TASK_ID, true).map((p) => p.text)).toEqual(['2025-02-10 10:27 — Warm white, 2700 K']);
    // Each redelivery read the comment's state once, wrote nothing and asked Notion nothing.
    expect(opsBetween(before.ops, counted.counts())).toEqual({ reads: 3, writes: 0, deletes: 0 });
    expect(sandbox.counts().total).toBe(before.requests);
  });

  it('an edit changes the paragraph in place; an older event arriving late changes nothing', async () => {
    const ctx = instance();
    await deliver(ctx, taskEvent({}, 1));
    await deliver(ctx, JSON.stringify(NOTE));
    const [first] = paragraphs(TASK_ID);
    expect(await deliver(ctx, noteEvent({ content: 'Cool white, 4000 K' }, at(50), 'note:updated'))).toBe(
      'applied',
    );
    expect(paragraphs(TASK_ID, true)).toEqual([
      { id: first?.id, text: '2025-02-10 10:27 — Cool white, 4000 K' },
    ]);
    expect(await deliver(ctx, noteEvent({ content: 'Warm white, 2700 K' }, at(46), 'note:updated'))).toBe(
      'stale',
    );
    expect(paragraphs(TASK_ID).map((p) => p.text)).toEqual(['2025-02-10 10:27 — Cool white, 4000 K']);
  });

  it('a deleted comment is removed, and nothing older brings it back', async () => {
    const ctx = instance();
    await deliver(ctx, taskEvent({}, 1));
    await deliver(ctx, JSON.stringify(NOTE));
    expect(await deliver(ctx, noteEvent({ is_deleted: true }, at(55), 'note:deleted'))).toBe('applied');
    expect(paragraphs(TASK_ID)).toEqual([]);
    expect(await deliver(ctx, noteEvent({ content: 'late edit' }, at(50), 'note:updated'))).toBe('stale');
    expect(await deliver(ctx, JSON.stringify(NOTE), 'replayed-add')).toBe('stale');
    expect(paragraphs(TASK_ID)).toEqual([]);
    expect(paragraphs(TASK_ID, true)).toHaveLength(1);
  });

  it('two instances receiving the same new comments at once append each one once', async () => {
    const [a, b] = [instance(), instance()];
    await deliver(a, taskEvent({}, 1));
    sandbox.setFaults({ latencyMs: 40 });
    const notes = Array.from({ length: 6 }, (_, i) =>
      noteEvent({ id: `note-${i}`, content: `comment ${i}`, posted_at: at(10 + i) }, at(10 + i)),
    );
    const outcomes = await Promise.all(
      notes.flatMap((body, i) => [deliver(a, body, `a-${i}`), deliver(b, body, `b-${i}`)]),
    );
    expect(outcomes.filter((o) => o === 'applied').length).toBeGreaterThanOrEqual(6);
    const texts = paragraphs(TASK_ID, true).map((p) => p.text);
    expect(texts).toHaveLength(6); // not even a discarded duplicate
    expect(new Set(texts)).toEqual(new Set(notes.map((_, i) => `2025-02-10 11:${10 + i} — comment ${i}`)));
  });

  it('a comment on a task not synced yet brings the task it carries along', async () => {
    const ctx = instance();
    const item = { ...TASK.event_data, id: 'fresh-task', content: 'Call the plumber', labels: [] };
    const body = noteEvent({ id: 'note-fresh', item_id: 'fresh-task', item, content: 'after 5pm' }, at(20));
    expect(await deliver(ctx, body)).toBe('applied');
    expect(plain(prop<{ title?: unknown }>('fresh-task', 'Name')?.title)).toBe('Call the plumber');
    expect(paragraphs('fresh-task').map((p) => p.text)).toEqual(['2025-02-10 10:27 — after 5pm']);
  });

  it('a comment whose task is unknown asks for a retry until the task has landed', async () => {
    const ctx = instance();
    const body = noteEvent({ id: 'note-early', item_id: 'late-task' }, at(20));
    await expect(deliver(ctx, body, 'early')).rejects.toMatchObject({
      code: 'task_page_pending',
      transient: true,
    });
    expect(todo('late-task')).toBeUndefined();
    await deliver(ctx, taskEvent({ id: 'late-task' }, 21));
    expect(await deliver(ctx, body, 'early')).toBe('applied');
    expect(paragraphs('late-task')).toHaveLength(1);
  });
});

describe('subtasks', () => {
  it('a subtask delivered before its parent gets its Parent once the parent arrives', async () => {
    const ctx = instance();
    await deliver(ctx, taskEvent({ id: 'child', content: 'Pack', parent_id: 'parent' }, 2));
    expect(parentOf('child')).toEqual([]);
    expect(todo('parent')).toBeUndefined();
    await deliver(ctx, taskEvent({ id: 'parent', content: 'Trip' }, 3));
    expect(parentOf('child')).toEqual([todo('parent')?.id]);
  });

  it('parents and children delivered at once to two instances, in any order, all end up linked', async () => {
    const [a, b] = [instance(), instance()];
    sandbox.setFaults({ latencyMs: 20 });
    const bodies = Array.from({ length: 8 }, (_, i) => [
      taskEvent({ id: `p${i}`, content: `Parent ${i}` }, 2),
      taskEvent({ id: `c${i}`, content: `Child ${i}`, parent_id: `p${i}` }, 2),
    ]).flat();
    await Promise.all(
      bodies.map((body, i) => deliver(i % 3 === 0 ? a : b, body, `race-${i}`).catch(() => undefined)),
    );
    // Pub/Sub would redeliver anything that failed transiently; every delivery once more.
    for (const [i, body] of bodies.entries()) await deliver(i % 2 ? a : b, body, `race-${i}`);
    for (let i = 0; i < 8; i++) expect(parentOf(`c${i}`), `c${i}`).toEqual([todo(`p${i}`)?.id]);
    expect(sandbox.pages({ databaseId: sandbox.databases.todos })).toHaveLength(16);
  });
});

describe('sections', () => {
  it('a section rename relabels the pages already showing the old name; later tasks get the new one', async () => {
    const ctx = instance();
    await deliver(ctx, sectionEvent({ id: 'sec-a', name: 'Errands', project_id: 'proj-a' }, 1));
    await deliver(ctx, sectionEvent({ id: 'sec-b', name: 'Errands', project_id: 'proj-b' }, 1));
    await deliver(ctx, taskEvent({ id: 's1', section_id: 'sec-a', project_id: 'proj-a' }, 2));
    await deliver(ctx, taskEvent({ id: 's2', section_id: 'sec-a', project_id: 'proj-a' }, 2));
    await deliver(ctx, taskEvent({ id: 's3', section_id: 'sec-b', project_id: 'proj-b' }, 2));
    expect(['s1', 's2', 's3'].map(sectionOf)).toEqual(['Errands', 'Errands', 'Errands']);
    // Past the sandbox's index lag, as a rename normally comes well after the tasks.
    await new Promise((resolve) => setTimeout(resolve, 400));

    const rename = sectionEvent(
      { id: 'sec-a', name: 'Shopping', project_id: 'proj-a' },
      5,
      'section:updated',
    );
    expect(await deliver(ctx, rename)).toBe('applied');
    expect(['s1', 's2', 's3'].map(sectionOf)).toEqual(['Shopping', 'Shopping', 'Errands']);
    await deliver(ctx, taskEvent({ id: 's4', section_id: 'sec-a', project_id: 'proj-a' }, 6));
    expect(sectionOf('s4')).toBe('Shopping');
    expect(await deliver(ctx, sectionEvent({ id: 'sec-a', name: 'Errands', project_id: 'proj-a' }, 1))).toBe(
      'stale',
    );
    expect(sectionOf('s1')).toBe('Shopping');
  });
});
