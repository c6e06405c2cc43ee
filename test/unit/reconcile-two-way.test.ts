import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log/logger.js';
import { handleReconcileTick } from '../../src/reconcile/scheduled.js';
import { createSyncContext } from '../../src/runtime.js';
import { createMemoryStore } from '../../src/state/memory.js';
import type { TodoistWriter } from '../../src/todoist/sync-writer.js';
import { makeProject, makeTask, startTodoistFake, type TodoistFake } from '../support/todoist-fake/index.js';
import { fakeWorkspace, IDS, unitConfig } from '../support/unit-context.js';

let fake: TodoistFake | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

/** A Todoist writer that records the commands it is given and accepts them all. */
function recordingWriter(): TodoistWriter & { sent: Array<{ type: string; args: unknown }> } {
  const sent: Array<{ type: string; args: unknown }> = [];
  return {
    sent,
    async sync(commands) {
      sent.push(...commands.map((c) => ({ type: c.type, args: c.args })));
      return { status: Object.fromEntries(commands.map((c) => [c.uuid, 'ok' as const])), tempIdMapping: {} };
    },
    requests: () => sent.length,
  };
}

async function deployment(direction: 'two-way' | 'todoist-to-notion') {
  const yesterday = `${new Date(Date.now() - 86_400_000).toISOString().slice(0, 19)}.000000Z`;
  fake = await startTodoistFake({
    tasks: [makeTask({ id: 'T1', content: 'Book the plumber', project_id: 'pH', updated_at: yesterday })],
    projects: [makeProject({ id: 'pH', name: 'Home' })],
  });
  const notion = fakeWorkspace();
  const writer = recordingWriter();
  const config = unitConfig({
    SYNC_DIRECTION: direction,
    TODOIST_API_TOKEN: fake.token,
    TODOIST_BASE_URL: fake.url,
  });
  const ctx = createSyncContext(config, silentLogger, {
    store: createMemoryStore(),
    notion: notion.api,
    todoistWriter: writer,
  });
  return { ctx, notion, writer };
}

describe('the scheduled reconcile tick and Notion edits whose events were lost', () => {
  it.each([
    ['two-way', [{ type: 'item_update', args: { id: 'T1', content: 'Book the electrician' } }]],
    ['todoist-to-notion', []],
  ] as const)('%s: the rename reaches Todoist only when two-way is on', async (direction, expected) => {
    // Prepare: the task is in Notion; a person renames its page and Notion's event is lost.
    const { ctx, notion, writer } = await deployment(direction);
    await handleReconcileTick(ctx);
    const page = notion.pages(IDS.todos)[0];
    if (!page) throw new Error('the first tick made no page');
    await notion.api.updatePage(page.id, {
      properties: { Name: { title: [{ type: 'text', text: { content: 'Book the electrician' } }] } },
    });
    page.last_edited_time = new Date().toISOString();

    // Act
    await handleReconcileTick(ctx);

    // Assess
    expect(writer.sent).toEqual(expected);
  });
});
