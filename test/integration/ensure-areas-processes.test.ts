import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normaliseName } from '../../src/exactly-once/keys.js';
import { ROOT } from '../support/functions.js';
import { type NotionSandbox, startNotionSandbox } from '../support/notion-sandbox/index.js';

const WORKER = fileURLToPath(new URL('../support/workers/ensure-areas.ts', import.meta.url));
const TSX = fileURLToPath(new URL('../../node_modules/tsx/dist/loader.mjs', import.meta.url));

function runWorker(env: Record<string, string>): Promise<{ pageIds: string[]; requests: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', TSX, WORKER], {
      cwd: ROOT,
      env: { PATH: process.env['PATH'] ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      err += c.toString();
    });
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`worker exited ${code}: ${err.slice(-2000)}`));
      else resolve(JSON.parse(out.trim().split('\n').pop() ?? '{}'));
    });
  });
}

describe('several processes ensuring the same new areas', () => {
  let sandbox: NotionSandbox;
  beforeAll(async () => {
    sandbox = await startNotionSandbox({ lagMs: 2_000 });
  });
  afterAll(async () => {
    await sandbox.close();
  });

  it('4 processes × 25 concurrent calls for 5 new area names, index lag 2 s → exactly 5 Area pages', async () => {
    const names = [
      'Home',
      ' home ',
      'WORK',
      'Health',
      'Finance',
      'garden',
      'Work',
      'HEALTH',
      'Garden ',
      'finance',
    ];
    const env = {
      NOTION_TOKEN: 'secret-token-for-tests',
      NOTION_BASE_URL: sandbox.url,
      NOTION_AREAS_DATABASE_ID: sandbox.databases.areas,
      NOTION_PROJECTS_DATABASE_ID: sandbox.databases.projects,
      NOTION_TODOS_DATABASE_ID: sandbox.databases.todos,
      NOTION_RPS: '20',
      NOTION_CONCURRENCY: '6',
      NOTION_INDEX_LAG_MS: '2500',
      NOTION_TIMEOUT_MS: '4000',
      CLAIM_LEASE_MS: '8000',
      STATE_STORE: 'firestore',
      STATE_COLLECTION_PREFIX: `t${randomUUID().slice(0, 8)}`,
      FIRESTORE_EMULATOR_HOST: process.env['FIRESTORE_EMULATOR_HOST'] ?? '',
      GOOGLE_CLOUD_PROJECT: process.env['GOOGLE_CLOUD_PROJECT'] ?? 'demo-nts',
      WORKER_NAMES: JSON.stringify(names),
      WORKER_CALLS: '25',
      WORKER_START_AT: String(Date.now() + 4_000),
    };
    const results = await Promise.all([1, 2, 3, 4].map(() => runWorker(env)));

    const areas = sandbox.pages({ databaseId: sandbox.databases.areas, includeTrashed: true });
    const titles = areas.map((p) => {
      const name = p.properties['Name'] as { title: Array<{ plain_text: string }> };
      return normaliseName(name.title.map((t) => t.plain_text).join(''));
    });
    expect(areas).toHaveLength(5);
    expect(new Set(titles)).toEqual(new Set(['home', 'work', 'health', 'finance', 'garden']));
    // Every caller in every process got the one page of its name.
    const byName = new Map(areas.map((p, i) => [titles[i], p.id]));
    for (const r of results) {
      r.pageIds.forEach((id, i) => {
        expect(id).toBe(byName.get(normaliseName(names[i % names.length] ?? '')));
      });
    }
  });
});
