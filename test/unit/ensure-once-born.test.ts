import { describe, expect, it } from 'vitest';
import { CLAIMS, type ClaimDoc, createEnsureOnce } from '../../src/exactly-once/ensure-once.js';
import { docId } from '../../src/exactly-once/keys.js';
import { silentLogger } from '../../src/log/logger.js';
import { NotionError } from '../../src/notion/errors.js';
import { createMemoryStore } from '../../src/state/memory.js';
import type { StateStore } from '../../src/state/store.js';
import { recordingStore } from '../support/recording-store.js';

/** Notion as seen by one key: the pages it holds, and how often it was asked and written. */
function notionFor(key: string, existing: string[] = []) {
  const pages = [...existing];
  const calls = { lookups: 0, creates: 0 };
  let loseNext = false;
  return {
    pages,
    calls,
    loseNextResponse: () => {
      loseNext = true;
    },
    ops(born: boolean) {
      return {
        born,
        lookup: async () => {
          calls.lookups++;
          return pages[0];
        },
        create: async () => {
          calls.creates++;
          const id = `${key}-page-${pages.length + 1}`;
          pages.push(id);
          if (loseNext) {
            loseNext = false;
            throw new NotionError('outcome_unknown', 'socket hang up after POST /v1/pages');
          }
          return id;
        },
      };
    },
  };
}

function instance(store: StateStore, owner = 'a') {
  return createEnsureOnce({ store, logger: silentLogger, owner, leaseMs: 2_000, indexLagMs: 20 });
}

function claim(key: string, fields: Partial<ClaimDoc>): ClaimDoc {
  const t = Date.now();
  return {
    kind: 'todo',
    key,
    state: 'pending',
    owner: 'other',
    leaseUntil: t + 60_000,
    pageId: null,
    attempts: 1,
    lastAttemptAt: t,
    updatedAt: t,
    ...fields,
  };
}

describe('ensure-once for an entity just born', () => {
  it('an item:added for a task no claim has seen creates its page without looking first', async () => {
    // Prepare: an empty store and Notion.
    const notion = notionFor('task-1');
    // Act
    const result = await instance(createMemoryStore()).ensure('todo', 'task-1', notion.ops(true));
    // Assess: one request, the create.
    expect(result.created).toBe(true);
    expect(notion.calls).toEqual({ lookups: 0, creates: 1 });
  });

  it('its claim costs two store calls: created with the intent of the create, then ready; no read', async () => {
    // Prepare
    const store = recordingStore(createMemoryStore());
    const notion = notionFor('task-5');
    // Act
    const result = await instance(store.view).ensure('todo', 'task-5', notion.ops(true));
    // Assess
    expect(result.created).toBe(true);
    expect(store.calls).toEqual(['create claims', 'update claims']);
    const stored = await store.view.get<ClaimDoc>(CLAIMS, docId('todo', 'task-5'));
    expect(stored?.data).toMatchObject({ state: 'ready', pageId: 'task-5-page-1', attempts: 0 });
  });

  it('an item:updated for an unknown task still looks first and adopts a page made elsewhere', async () => {
    // Prepare: a page an earlier deployment made, and no claim for it.
    const notion = notionFor('task-2', ['page-from-before']);
    // Act
    const result = await instance(createMemoryStore()).ensure('todo', 'task-2', notion.ops(false));
    // Assess
    expect(result).toEqual({ pageId: 'page-from-before', created: false });
    expect(notion.calls).toEqual({ lookups: 1, creates: 0 });
  });

  it('an item:added meeting an earlier owner’s claim looks first and adopts that owner’s page', async () => {
    // Prepare: an owner that sent a create (its page exists) and died with the claim pending.
    const store = createMemoryStore();
    const notion = notionFor('task-3', ['page-of-dead-owner']);
    const stale: ClaimDoc = {
      kind: 'todo',
      key: 'task-3',
      state: 'pending',
      owner: 'dead',
      leaseUntil: Date.now() - 1_000,
      pageId: null,
      attempts: 1,
      lastAttemptAt: Date.now() - 5_000,
      updatedAt: Date.now() - 5_000,
    };
    await store.create(CLAIMS, docId('todo', 'task-3'), stale);
    // Act
    const result = await instance(store).ensure('todo', 'task-3', notion.ops(true));
    // Assess
    expect(result).toEqual({ pageId: 'page-of-dead-owner', created: false });
    expect(notion.pages).toHaveLength(1);
    expect(notion.calls.lookups).toBeGreaterThan(0);
  });

  it('an item:added whose create answer is lost looks before creating again', async () => {
    // Prepare
    const notion = notionFor('task-4');
    notion.loseNextResponse();
    // Act
    const result = await instance(createMemoryStore()).ensure('todo', 'task-4', notion.ops(true));
    // Assess: the page made by the lost create is adopted, not made twice.
    expect(notion.pages).toEqual(['task-4-page-1']);
    expect(result.pageId).toBe('task-4-page-1');
    expect(notion.calls).toEqual({ lookups: 1, creates: 1 });
  });

  it('an item:added redelivered after its page was made adopts the ready claim: no Notion request', async () => {
    // Prepare: the claim an earlier delivery finished.
    const base = createMemoryStore();
    await base.create(CLAIMS, docId('todo', 'task-6'), claim('task-6', { state: 'ready', pageId: 'p6' }));
    const store = recordingStore(base);
    const notion = notionFor('task-6', ['p6']);
    // Act
    const result = await instance(store.view).ensure('todo', 'task-6', notion.ops(true));
    // Assess: the refused create is read back, nothing else.
    expect(result).toEqual({ pageId: 'p6', created: false });
    expect(notion.calls).toEqual({ lookups: 0, creates: 0 });
    expect(store.calls).toEqual(['create claims', 'get claims']);
  });

  it('an item:added whose claim another live owner holds waits for that owner’s page', async () => {
    // Prepare: another instance is creating the page right now.
    const store = createMemoryStore();
    const id = docId('todo', 'task-7');
    const held = await store.create(CLAIMS, id, claim('task-7', {}));
    const notion = notionFor('task-7');
    // Act: the other owner finishes while this one waits.
    const waiting = instance(store).ensure('todo', 'task-7', notion.ops(true));
    await new Promise((r) => setTimeout(r, 30));
    await store.update(
      CLAIMS,
      id,
      { ...held.data, state: 'ready', pageId: 'p7', leaseUntil: 0 },
      held.version,
    );
    const result = await waiting;
    // Assess
    expect(result).toEqual({ pageId: 'p7', created: false });
    expect(notion.calls.creates).toBe(0);
  });

  it('an item:added meeting this instance’s own claim with a create sent looks before creating', async () => {
    // Prepare: an earlier delivery here sent a create (its page exists) and failed before finalising.
    const store = createMemoryStore();
    const notion = notionFor('task-8', ['task-8-page-from-before']);
    await store.create(CLAIMS, docId('todo', 'task-8'), claim('task-8', { owner: 'a' }));
    // Act
    const result = await instance(store, 'a').ensure('todo', 'task-8', notion.ops(true));
    // Assess
    expect(result).toEqual({ pageId: 'task-8-page-from-before', created: false });
    expect(notion.calls.creates).toBe(0);
  });
});
