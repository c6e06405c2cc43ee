import { describe, expect, it } from 'vitest';
import { CLAIMS, type ClaimDoc, createEnsureOnce } from '../../src/exactly-once/ensure-once.js';
import { docId } from '../../src/exactly-once/keys.js';
import { silentLogger } from '../../src/log/logger.js';
import { NotionError } from '../../src/notion/errors.js';
import { createMemoryStore } from '../../src/state/memory.js';
import type { StateStore } from '../../src/state/store.js';

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
});
