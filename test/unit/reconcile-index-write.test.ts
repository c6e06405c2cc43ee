import { describe, expect, it } from 'vitest';
import { chunkId, INDEX, INDEX_FORMAT, type IndexMeta, META_ID } from '../../src/reconcile/index-chunks.js';
import { CHUNK_WIDTH, writeIndex } from '../../src/reconcile/index-write.js';
import type { TodoSummary } from '../../src/reconcile/todo-summary.js';
import { createMemoryStore } from '../../src/state/memory.js';
import type { StateStore } from '../../src/state/store.js';

/** A store whose calls take a few event-loop turns, recording how many run at once and in what order. */
function slowStore(inner: StateStore) {
  const log: string[] = [];
  let running = 0;
  let most = 0;
  const slow =
    <A extends unknown[], R>(name: string, call: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      running += 1;
      most = Math.max(most, running);
      log.push(`${name} ${String(args[1])}`);
      try {
        for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
        return await call(...args);
      } finally {
        running -= 1;
        log.push(`done ${String(args[1])}`);
      }
    };
  const store: StateStore = {
    ...inner,
    get: slow('get', inner.get.bind(inner)) as StateStore['get'],
    create: slow('create', inner.create.bind(inner)) as StateStore['create'],
    update: slow('update', inner.update.bind(inner)) as StateStore['update'],
  };
  return { store, log, most: () => most };
}

const todos = (n: number) =>
  new Map<string, TodoSummary>(
    Array.from({ length: n }, (_, i) => [
      `t${i}`,
      { key: `t${i}`, version: 'v1', deleted: false, shown: true, known: true, done: false },
    ]),
  );

describe('the reconcile index is written chunks side by side, its meta last', () => {
  it('an index outgrowing its chunks: the new chunks are created at once, with no read first, then the meta', async () => {
    // Prepare: an index of one chunk; the account grew to 40,000 tasks, so it splits into 32.
    const inner = createMemoryStore();
    const meta = await inner.create<IndexMeta>(INDEX, META_ID, {
      format: INDEX_FORMAT,
      builtAt: 0,
      chunks: ['x'],
    });
    await inner.create(INDEX, chunkId(0), { format: INDEX_FORMAT, rows: '[]' });
    const { store, log, most } = slowStore(inner);

    // Act
    await writeIndex(store, todos(40_000), 1_000, meta, undefined, 1_000);

    // Assess: only the chunk the old meta named is read; the 31 new ones are created, side by
    // side but never more than CHUNK_WIDTH at once; the meta after the last of them.
    expect(log.filter((l) => l.startsWith('get'))).toEqual([`get ${chunkId(0)}`]);
    expect(log.filter((l) => l.startsWith('create'))).toHaveLength(31);
    expect(most()).toBeGreaterThan(1);
    expect(most()).toBeLessThanOrEqual(CHUNK_WIDTH);
    const metaAt = log.indexOf(`update ${META_ID}`);
    const lastChunkDone = Math.max(
      ...Array.from({ length: 32 }, (_, i) => log.lastIndexOf(`done ${chunkId(i)}`)),
    );
    expect(metaAt).toBeGreaterThan(lastChunkDone);
    expect((await inner.get<IndexMeta>(INDEX, META_ID))?.data.chunks).toHaveLength(32);
  });

  it('chunks of a larger index: at most CHUNK_WIDTH written at once, and the meta waits for all of them', async () => {
    // Prepare: a valid meta naming 32 chunks, so this run keeps 32 (an index never shrinks).
    const inner = createMemoryStore();
    const chunks = Array.from({ length: 32 }, () => 'x');
    const meta = await inner.create<IndexMeta>(INDEX, META_ID, { format: INDEX_FORMAT, builtAt: 0, chunks });
    const { store, log, most } = slowStore(inner);

    // Act
    await writeIndex(store, todos(500), 1_000, meta, undefined, 1_000);

    // Assess: every chunk written (each read first: the meta named it), the meta after the last.
    for (let i = 0; i < 32; i++) expect(await inner.get(INDEX, chunkId(i))).toBeDefined();
    expect(most()).toBeGreaterThan(1);
    expect(most()).toBeLessThanOrEqual(CHUNK_WIDTH);
    const metaAt = log.indexOf(`update ${META_ID}`);
    const lastChunkDone = Math.max(...chunks.map((_, i) => log.lastIndexOf(`done ${chunkId(i)}`)));
    expect(metaAt).toBeGreaterThan(lastChunkDone);
    expect((await inner.get<IndexMeta>(INDEX, META_ID))?.data.chunks).toHaveLength(32);
  });
});
