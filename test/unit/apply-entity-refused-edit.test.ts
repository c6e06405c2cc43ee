import { describe, expect, it } from 'vitest';
import { contentHash } from '../../src/exactly-once/content-hash.js';
import { commitDesired, TOMBSTONE_HASH } from '../../src/exactly-once/entity-state.js';
import { applyEntity } from '../../src/handlers/apply-entity.js';
import type { SyncContext } from '../../src/handlers/context.js';
import { projectTarget } from '../../src/handlers/projects.js';
import { todoTarget } from '../../src/handlers/todos.js';
import { silentLogger } from '../../src/log/logger.js';
import { richText, title } from '../../src/notion/properties.js';
import { createSyncContext } from '../../src/runtime.js';
import { createMemoryStore } from '../../src/state/memory.js';
import { fakeWorkspace, IDS, unitConfig } from '../support/unit-context.js';

function setup() {
  const notion = fakeWorkspace();
  const ctx = createSyncContext(unitConfig(), silentLogger, {
    store: createMemoryStore(),
    notion: notion.api,
  });
  return { ctx, notion };
}

const version = (second: number) => `v${String(second).padStart(4, '0')}`;

/** Commits one state of an entity, as an event's handler does before applying it. */
function commit(
  ctx: SyncContext,
  kind: 'todo' | 'project',
  key: string,
  second: number,
  name: string | null,
) {
  const properties = name === null ? null : { Name: title(name), 'Todoist ID': richText(key) };
  return commitDesired(ctx.store, kind, key, {
    version: version(second),
    isDelete: properties === null,
    canRevive: kind === 'project',
    desired: properties ? JSON.stringify(properties) : null,
    desiredHash: properties ? contentHash(properties) : TOMBSTONE_HASH,
  }).then((outcome) => outcome.stored);
}

describe('a page that refuses an edit', () => {
  it('an update applied after another instance deleted the task and trashed its page makes no second page', async () => {
    const { ctx, notion } = setup();
    const target = todoTarget(ctx, 't1');
    await applyEntity(ctx, target, await commit(ctx, 'todo', 't1', 1, 'Buy milk'));
    // Instance A took an update; before it writes, instance B commits the deletion and trashes the page.
    const update = await commit(ctx, 'todo', 't1', 2, 'Buy oat milk');
    await applyEntity(ctx, target, await commit(ctx, 'todo', 't1', 3, null));

    await applyEntity(ctx, target, update);

    const pages = notion.pages(IDS.todos);
    expect(pages).toHaveLength(1);
    expect(pages[0]?.in_trash).toBe(true);
  });

  it('a project archived (page trashed by the sync) and unarchived gets its own page back, not a new one', async () => {
    const { ctx, notion } = setup();
    const target = projectTarget(ctx, 'p1');
    await applyEntity(ctx, target, await commit(ctx, 'project', 'p1', 1, 'Kitchen'));
    await applyEntity(ctx, target, await commit(ctx, 'project', 'p1', 2, null));
    expect(notion.pages(IDS.projects)[0]?.in_trash).toBe(true);

    await applyEntity(ctx, target, await commit(ctx, 'project', 'p1', 3, 'Kitchen, again'));

    const pages = notion.pages(IDS.projects);
    expect(pages).toHaveLength(1);
    expect(pages[0]?.in_trash).toBe(false);
    expect(notion.text(pages[0]?.properties['Name'])).toBe('Kitchen, again');
  });

  it('a task page trashed by hand in Notion is replaced by one live page', async () => {
    const { ctx, notion } = setup();
    const target = todoTarget(ctx, 't2');
    await applyEntity(ctx, target, await commit(ctx, 'todo', 't2', 1, 'Call mum'));
    const first = notion.pages(IDS.todos)[0];
    if (first) await notion.api.updatePage(first.id, { inTrash: true });

    await applyEntity(ctx, target, await commit(ctx, 'todo', 't2', 2, 'Call mum tonight'));

    const live = notion.pages(IDS.todos).filter((p) => !p.in_trash);
    expect(live).toHaveLength(1);
    expect(notion.text(live[0]?.properties['Name'])).toBe('Call mum tonight');
  });
});
