import { describe, expect, it } from 'vitest';
import { createEnsureOnce, type EnsureOps } from '../../src/exactly-once/ensure-once.js';
import { silentLogger } from '../../src/log/logger.js';
import { NotionError } from '../../src/notion/errors.js';
import { createMemoryStore } from '../../src/state/memory.js';
import type { StateStore } from '../../src/state/store.js';
import { stallable } from '../support/stallable-store.js';

/** A stand-in for Notion's pages and lagging query index, enough to drive ensure-once. */
function fakeIndex(lagMs: number) {
  const pages: Array<{ id: string; key: string; at: number; trashed: boolean }> = [];
  let n = 0;
  return {
    pages,
    live: (key: string) => pages.filter((p) => p.key === key && !p.trashed),
    ops(
      key: string,
      behaviour: { loseResponse?: () => boolean; hangAfterCreate?: () => boolean } = {},
    ): EnsureOps & {
      create(): Promise<string>;
    } {
      return {
        lookup: async () => {
          await new Promise((r) => setTimeout(r, 2));
          const visible = pages.filter((p) => p.key === key && !p.trashed && Date.now() >= p.at + lagMs);
          return visible.sort((a, b) => a.at - b.at)[0]?.id;
        },
        create: async () => {
          await new Promise((r) => setTimeout(r, 5));
          const page = { id: `page-${++n}`, key, at: Date.now(), trashed: false };
          pages.push(page);
          if (behaviour.hangAfterCreate?.()) return new Promise<string>(() => {});
          if (behaviour.loseResponse?.())
            throw new NotionError('outcome_unknown', 'socket hang up after POST /v1/pages');
          return page.id;
        },
        discard: async (id) => {
          const page = pages.find((p) => p.id === id);
          if (page) page.trashed = true;
        },
      };
    },
  };
}

function instance(store: StateStore, owner: string, leaseMs = 2_000, indexLagMs = 150) {
  return createEnsureOnce({ store, logger: silentLogger, owner, leaseMs, indexLagMs, maxWaitMs: 20_000 });
}

describe('ensure-once', () => {
  it('many instances asking for the same new area at once make one page', async () => {
    const store = createMemoryStore();
    const notion = fakeIndex(150);
    const instances = [1, 2, 3, 4].map((i) => instance(store, `i${i}`));
    const results = await Promise.all(
      instances.flatMap((inst) =>
        Array.from({ length: 25 }, () => inst.ensure('area', 'home', notion.ops('home'))),
      ),
    );
    expect(notion.live('home')).toHaveLength(1);
    expect(new Set(results.map((r) => r.pageId))).toEqual(new Set([notion.live('home')[0]?.id]));
    expect(results.filter((r) => r.created)).toHaveLength(1);
  });

  it('a create whose response is lost is adopted after the index lag, not made twice', async () => {
    const store = createMemoryStore();
    const notion = fakeIndex(200);
    let first = true;
    const ops = notion.ops('errands', {
      loseResponse: () => {
        const lose = first;
        first = false;
        return lose;
      },
    });
    const result = await instance(store, 'a', 2_000, 250).ensure('area', 'errands', ops);
    expect(notion.live('errands')).toHaveLength(1);
    expect(result.pageId).toBe(notion.live('errands')[0]?.id);
  });

  it('an owner that dies between create and finalise is taken over after its lease and its page adopted', async () => {
    const store = createMemoryStore();
    const notion = fakeIndex(150);
    // Dead after its create: it never answers again, nor reaches the store (no lease renewal).
    const grave = stallable(store);
    const dying = instance(grave.view, 'dies', 300);
    void dying.ensure(
      'area',
      'garden',
      notion.ops('garden', {
        hangAfterCreate: () => {
          grave.stall();
          return true;
        },
      }),
    );
    await new Promise((r) => setTimeout(r, 50));
    const survivor = instance(store, 'survives', 300);
    const result = await survivor.ensure('area', 'garden', notion.ops('garden'));
    expect(notion.live('garden')).toHaveLength(1);
    expect(result).toEqual({ pageId: notion.live('garden')[0]?.id, created: false });
  });

  it('a definite create failure frees the key at once for the next caller', async () => {
    const store = createMemoryStore();
    const notion = fakeIndex(0);
    const a = instance(store, 'a', 60_000);
    const failing = {
      ...notion.ops('work'),
      create: async () => Promise.reject(new NotionError('validation_error', 'bad')),
    };
    await expect(a.ensure('area', 'work', failing)).rejects.toThrow('bad');
    const started = Date.now();
    const result = await instance(store, 'b', 60_000).ensure('area', 'work', notion.ops('work'));
    expect(result.created).toBe(true);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('find adopts an existing page but never creates one', async () => {
    const store = createMemoryStore();
    const notion = fakeIndex(0);
    const inst = instance(store, 'a');
    expect(await inst.find('todo', 't1', notion.ops('t1').lookup)).toBeUndefined();
    expect(notion.pages).toHaveLength(0);
    await notion.ops('t1').create();
    expect(await inst.find('todo', 't1', notion.ops('t1').lookup)).toBe(notion.pages[0]?.id);
  });

  it('an invalidated page is replaced by a live one on the next ensure', async () => {
    const store = createMemoryStore();
    const notion = fakeIndex(0);
    const inst = instance(store, 'a');
    const first = await inst.ensure('area', 'home', notion.ops('home'));
    const page = notion.pages.find((p) => p.id === first.pageId);
    if (page) page.trashed = true;
    await inst.invalidate('area', 'home', first.pageId);
    const second = await inst.ensure('area', 'home', notion.ops('home'));
    expect(second.pageId).not.toBe(first.pageId);
    expect(notion.live('home')).toHaveLength(1);
  });
});
