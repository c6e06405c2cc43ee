import { afterEach, describe, expect, it } from 'vitest';
import { summarise, taskProblems } from '../../scripts/lib/check-state.js';
import { createNaiveSync } from '../../scripts/lib/naive-sync.js';
import { syncEnv } from '../../scripts/lib/sync-env.js';
import { taskEventBody, todoistStamp } from '../../scripts/lib/todoist-payloads.js';
import { loadConfig } from '../../src/config/index.js';
import { silentLogger } from '../../src/log/logger.js';
import { createNotionApi, type NotionClient } from '../../src/notion/client.js';
import { type NotionSandbox, startNotionSandbox } from '../support/notion-sandbox/index.js';

const T0 = Date.parse('2026-11-02T08:00:00Z');

function body(id: string, minute: number, content: string, labels: string[]) {
  return Buffer.from(
    taskEventBody(minute === 0 ? 'item:added' : 'item:updated', {
      id,
      content,
      labels,
      updated_at: todoistStamp(T0 + minute * 60_000),
    }),
  );
}

describe('the naive baseline (query-then-create, no lock, no cache, no ordering)', () => {
  let sandbox: NotionSandbox;
  let notion: NotionClient;

  async function start(lagMs: number) {
    sandbox = await startNotionSandbox({ lagMs });
    const config = loadConfig(syncEnv(sandbox, { STATE_STORE: 'memory' }, { NOTION_RPS: '500' }), 'sync');
    notion = createNotionApi({ config: config.notion, logger: silentLogger });
    return createNaiveSync({ notion, databases: config.notion.databases, areaLabelPrefix: 'area:' });
  }

  afterEach(async () => {
    await notion?.close();
    await sandbox?.close();
  });

  it('events handled one after another with an up-to-date index → one page per task and per Area', async () => {
    const sync = await start(0);
    await sync(body('naive0001', 0, 'Buy paint', ['area:Home']));
    await sync(body('naive0002', 0, 'Call plumber', ['area:Home']));
    await sync(body('naive0001', 1, 'Buy eggshell paint', ['area:Home']));

    const summary = summarise(sandbox);
    expect(summary).toMatchObject({ areas: 1, todos: 2, projects: 1, duplicates: 0 });
    const problems = taskProblems(sandbox, [
      {
        taskId: 'naive0001',
        name: 'Buy eggshell paint',
        done: false,
        deleted: false,
        areas: ['home'],
        priority: 'P4',
      },
    ]);
    expect(problems).toEqual([]);
  });

  it('two tasks arriving together for a new Area while the index lags → two Area pages (what the product prevents)', async () => {
    const sync = await start(1_000);
    await Promise.all([
      sync(body('naive0003', 0, 'Prune roses', ['area:Garden'])),
      sync(body('naive0004', 0, 'Order mulch', ['area:Garden'])),
    ]);

    const summary = summarise(sandbox);
    expect(summary.duplicateAreas).toBe(1);
    expect(summary.surplusPages).toBeGreaterThanOrEqual(1);
  });

  it('an older edit delivered last wins (no ordering)', async () => {
    const sync = await start(0);
    await sync(body('naive0005', 0, 'Draft', []));
    await sync(body('naive0005', 2, 'Final', []));
    await sync(body('naive0005', 1, 'Second draft', []));

    const problems = taskProblems(sandbox, [
      { taskId: 'naive0005', name: 'Final', done: false, deleted: false, areas: [], priority: 'P4' },
    ]);
    expect(problems).toEqual(['Final: shows name "Second draft"']);
  });
});
