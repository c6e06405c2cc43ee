import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/cleanup-duplicate-areas.js';
import type { CliIo } from '../../src/cli/io.js';
import { loadConfig } from '../../src/config/index.js';
import { createEnsureOnce } from '../../src/exactly-once/ensure-once.js';
import { normaliseName } from '../../src/exactly-once/keys.js';
import { silentLogger } from '../../src/log/logger.js';
import { createNotionApi } from '../../src/notion/client.js';
import { relation, richText, title } from '../../src/notion/properties.js';
import type { NotionApi } from '../../src/notion/types.js';
import { createStateStore } from '../../src/state/index.js';
import { ROOT } from '../support/functions.js';
import { type NotionSandbox, type SandboxPage, startNotionSandbox } from '../support/notion-sandbox/index.js';
import { titleOf } from '../support/notion-view.js';

const CLI = fileURLToPath(new URL('../../src/cli/cleanup-duplicate-areas.ts', import.meta.url));
const TSX = fileURLToPath(new URL('../../node_modules/tsx/dist/loader.mjs', import.meta.url));

/** Seeded Area names: three groups of duplicates (case and spaces only differ) and two singles. */
const AREA_NAMES = ['Home', 'Work', 'home ', 'Health', 'HOME', 'Garden', 'work', ' Garden', 'Finance'];

function envFor(
  sandbox: NotionSandbox,
  prefix: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    NOTION_TOKEN: 'secret-token-for-tests',
    NOTION_BASE_URL: sandbox.url,
    NOTION_AREAS_DATABASE_ID: sandbox.databases.areas,
    NOTION_PROJECTS_DATABASE_ID: sandbox.databases.projects,
    NOTION_TODOS_DATABASE_ID: sandbox.databases.todos,
    NOTION_RPS: '200',
    NOTION_CONCURRENCY: '8',
    STATE_STORE: 'firestore',
    STATE_COLLECTION_PREFIX: prefix,
    FIRESTORE_EMULATOR_HOST: process.env['FIRESTORE_EMULATOR_HOST'] ?? '',
    GOOGLE_CLOUD_PROJECT: process.env['GOOGLE_CLOUD_PROJECT'] ?? 'demo-nts',
    ...extra,
  };
}

function captureIo(isTTY = false) {
  let out = '';
  let err = '';
  const io: CliIo = {
    stdout: (s) => {
      out += s;
    },
    stderr: (s) => {
      err += s;
    },
    isTTY,
  };
  return { io, out: () => out, err: () => err };
}

/** Requests that change a page (create or update), as the sandbox counted them. */
function pageWrites(sandbox: NotionSandbox): number {
  const counts = sandbox.counts();
  return Object.entries(counts.byRoute)
    .filter(([route]) => route.startsWith('POST /v1/pages') || route.startsWith('PATCH /v1/pages'))
    .reduce((n, [, c]) => n + c, 0);
}

interface Seeded {
  areaIds: string[];
  /** Relation targets each todo/project was created with, by page id. */
  links: Map<string, string[]>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** 9 Area pages (3 duplicate groups), 12 projects and 150 todos linking to them, some to two areas. */
async function seed(api: NotionApi, sandbox: NotionSandbox, todos = 150): Promise<Seeded> {
  const areaIds: string[] = [];
  for (const name of AREA_NAMES) {
    areaIds.push((await api.createPage(sandbox.databases.areas, { Name: title(name) })).id);
    await sleep(5); // distinct created_time, so "oldest" is meaningful
  }
  const links = new Map<string, string[]>();
  const n = areaIds.length;
  const pick = (i: number) => areaIds[i % n] as string;
  const jobs: Array<() => Promise<void>> = [];
  for (let i = 0; i < 12; i++) {
    const targets = [pick(i)];
    jobs.push(async () => {
      const page = await api.createPage(sandbox.databases.projects, {
        Name: title(`Project ${i}`),
        'Todoist ID': richText(`p${i}`),
        Area: relation(targets),
      });
      links.set(page.id, targets);
    });
  }
  for (let i = 0; i < todos; i++) {
    // Every 4th todo points at two areas; every 10th at two pages of the same name.
    const targets =
      i % 10 === 0
        ? [areaIds[0] as string, areaIds[4] as string]
        : i % 4 === 0
          ? [pick(i), pick(i + 2)]
          : [pick(i)];
    jobs.push(async () => {
      const page = await api.createPage(sandbox.databases.todos, {
        Name: title(`Todo ${i}`),
        'Todoist ID': richText(`t${i}`),
        Area: relation([...new Set(targets)]),
      });
      links.set(page.id, [...new Set(targets)]);
    });
  }
  for (let i = 0; i < jobs.length; i += 10) await Promise.all(jobs.slice(i, i + 10).map((job) => job()));
  return { areaIds, links };
}

function relationOf(page: SandboxPage, property: string): string[] {
  return (
    (page.properties[property] as { relation?: Array<{ id: string }> } | undefined)?.relation ?? []
  ).map((r) => r.id);
}

/** The workspace after a complete merge: one live Area per name (the oldest), every link on it. */
function expectMerged(sandbox: NotionSandbox, seeded: Seeded): void {
  const areas = sandbox.pages({ databaseId: sandbox.databases.areas, includeTrashed: true });
  const byName = new Map<string, SandboxPage[]>();
  for (const a of areas)
    byName.set(normaliseName(titleOf(a)), [...(byName.get(normaliseName(titleOf(a))) ?? []), a]);
  const canonicalOf = new Map<string, string>();
  for (const [name, group] of byName) {
    const oldest = [...group].sort((a, b) =>
      a.created_time === b.created_time ? (a.id < b.id ? -1 : 1) : a.created_time < b.created_time ? -1 : 1,
    )[0] as SandboxPage;
    const live = group.filter((p) => !p.in_trash);
    expect(
      live.map((p) => p.id),
      `live pages of "${name}"`,
    ).toEqual([oldest.id]);
    for (const p of group) canonicalOf.set(p.id, oldest.id);
  }
  expect(byName.size).toBe(5);
  const holders = [
    ...sandbox.pages({ databaseId: sandbox.databases.todos, includeTrashed: true }),
    ...sandbox.pages({ databaseId: sandbox.databases.projects, includeTrashed: true }),
  ];
  expect(holders).toHaveLength(seeded.links.size);
  for (const page of holders) {
    const expected = new Set((seeded.links.get(page.id) ?? []).map((id) => canonicalOf.get(id)));
    const actual = relationOf(page, 'Area');
    expect(new Set(actual), `links of ${page.id}`).toEqual(expected);
    expect(actual).toHaveLength(expected.size);
  }
}

/** Every link still reaches a page of the same name (nothing lost), whatever was merged so far. */
function expectNoLinkLost(sandbox: NotionSandbox, seeded: Seeded): void {
  const areas = sandbox.pages({ databaseId: sandbox.databases.areas, includeTrashed: true });
  const nameOf = new Map(areas.map((a) => [a.id, normaliseName(titleOf(a))]));
  const live = new Set(areas.filter((a) => !a.in_trash).map((a) => a.id));
  const holders = [
    ...sandbox.pages({ databaseId: sandbox.databases.todos }),
    ...sandbox.pages({ databaseId: sandbox.databases.projects }),
  ];
  for (const page of holders) {
    const actual = relationOf(page, 'Area');
    for (const id of actual) expect(live.has(id), `${page.id} links to a trashed area`).toBe(true);
    const names = (ids: string[]) => new Set(ids.map((id) => nameOf.get(id)));
    expect(names(actual)).toEqual(names(seeded.links.get(page.id) ?? []));
  }
}

/** Fails every page update after the first `n` (a crash mid-run, from the workspace's point of view). */
function failAfter(n: number) {
  return (api: NotionApi): NotionApi => {
    let updates = 0;
    return {
      ...api,
      queryAll: api.queryAll.bind(api),
      async updatePage(pageId, patch, request) {
        updates += 1;
        if (updates > n) throw new Error('injected crash');
        return api.updatePage(pageId, patch, request);
      },
    };
  };
}

describe('cleanup-duplicate-areas', () => {
  let sandbox: NotionSandbox;
  let api: NotionApi;
  let seeded: Seeded;
  let env: Record<string, string>;

  beforeAll(async () => {
    sandbox = await startNotionSandbox({});
  });
  afterAll(async () => {
    await sandbox.close();
  });
  beforeEach(async () => {
    sandbox.reset();
    env = envFor(sandbox, `c${randomUUID().slice(0, 8)}`);
    api = createNotionApi({ config: loadConfig(env, 'cli').notion, logger: silentLogger });
    seeded = await seed(api, sandbox);
  });

  it('a dry run prints the plan as a table and changes nothing', async () => {
    const before = pageWrites(sandbox);
    const { io, out } = captureIo();
    expect(await main([], env, io)).toBe(0);
    expect(out()).toMatch(/Duplicate areas: 3 groups, 4 duplicate pages, \d+ pages to re-link/);
    expect(out()).toContain('keep (oldest)');
    expect(out()).toContain('Dry run: nothing was changed');
    expect(pageWrites(sandbox)).toBe(before);
  });

  it('--json prints the plan for machines: groups, canonical, duplicates and every link to move', async () => {
    const { io, out } = captureIo();
    expect(await main(['--json'], env, io)).toBe(0);
    const plan = JSON.parse(out()) as {
      mode: string;
      groups: Array<{ key: string; canonical: { id: string }; duplicates: Array<{ id: string }> }>;
      relinks: Array<{ pageId: string }>;
    };
    expect(plan.mode).toBe('dry-run');
    expect(plan.groups.map((g) => g.key).sort()).toEqual(['garden', 'home', 'work']);
    const home = plan.groups.find((g) => g.key === 'home');
    expect(home?.canonical.id).toBe(seeded.areaIds[0]);
    expect(home?.duplicates.map((d) => d.id).sort()).toEqual([seeded.areaIds[2], seeded.areaIds[4]].sort());
    const dups = new Set(plan.groups.flatMap((g) => g.duplicates.map((d) => d.id)));
    const linking = [...seeded.links]
      .filter(([, targets]) => targets.some((t) => dups.has(t)))
      .map(([id]) => id);
    expect(new Set(plan.relinks.map((r) => r.pageId))).toEqual(new Set(linking));
  });

  it('--apply leaves one live page per name (the oldest), every link on it, the cache pointing at it; a second --apply is inert', async () => {
    const { io, out } = captureIo();
    expect(await main(['--apply'], env, io)).toBe(0);
    expect(out()).toMatch(/trashed 4 duplicates/);
    expectMerged(sandbox, seeded);

    const config = loadConfig(env, 'cli');
    const store = createStateStore(config.state);
    const ensure = createEnsureOnce({
      store,
      logger: silentLogger,
      owner: 'test',
      leaseMs: 10_000,
      indexLagMs: 0,
    });
    expect(await ensure.peek('area', 'home')).toBe(seeded.areaIds[0]);
    expect(await ensure.peek('area', 'work')).toBe(seeded.areaIds[1]);
    await store.close();

    const writes = pageWrites(sandbox);
    const again = captureIo();
    expect(await main(['--apply'], env, again.io)).toBe(0);
    expect(again.out()).toContain('Nothing to do');
    expect(pageWrites(sandbox)).toBe(writes);
  });

  it.each([
    ['while moving links', 40],
    ['while trashing duplicates', -2],
  ])('a run that dies %s loses no link, and the next run finishes the job', async (_when, n) => {
    const plan = captureIo();
    await main(['--json'], env, plan.io);
    const relinks = (JSON.parse(plan.out()) as { relinks: unknown[] }).relinks.length;
    const limit = n > 0 ? n : relinks - n; // -2: all links moved, then two trashes done
    const first = captureIo();
    expect(await main(['--apply'], env, first.io, { wrapNotion: failAfter(limit) })).toBe(1);
    expect(first.out()).toContain('run the command again to resume');
    expectNoLinkLost(sandbox, seeded);

    const second = captureIo();
    expect(await main(['--apply'], env, second.io)).toBe(0);
    expectMerged(sandbox, seeded);
  });

  it('the page the cache points to stays canonical even when it is newer', async () => {
    const config = loadConfig(env, 'cli');
    const store = createStateStore(config.state);
    const ensure = createEnsureOnce({
      store,
      logger: silentLogger,
      owner: 'test',
      leaseMs: 10_000,
      indexLagMs: 0,
    });
    const newest = seeded.areaIds[4] as string; // "HOME"
    await ensure.point('area', 'home', newest);
    await store.close();

    const { io, out } = captureIo();
    expect(await main(['--apply'], env, io)).toBe(0);
    expect(out()).toContain('keep (cache)');
    const live = sandbox
      .pages({ databaseId: sandbox.databases.areas })
      .filter((p) => !p.in_trash && normaliseName(titleOf(p)) === 'home');
    expect(live.map((p) => p.id)).toEqual([newest]);
    for (const page of sandbox.pages({ databaseId: sandbox.databases.todos })) {
      const targets = relationOf(page, 'Area');
      expect(targets).not.toContain(seeded.areaIds[0]);
      expect(targets).not.toContain(seeded.areaIds[2]);
    }
  });

  it('with STATE_STORE=memory it merges by age and says the cache step is skipped', async () => {
    const memoryEnv = { ...env, STATE_STORE: 'memory' };
    const { io, out, err } = captureIo(true);
    expect(await main(['--apply'], memoryEnv, io)).toBe(0);
    expect(out()).toContain('STATE_STORE=memory');
    // On a terminal, a counter with an ETA is drawn on stderr.
    expect(err()).toMatch(/writes \d+\/\d+ \(100%\) ETA 0s/);
    expectMerged(sandbox, seeded);
  });

  it('a todo linked to more than 25 areas keeps every link', async () => {
    const extra: string[] = [];
    for (let i = 0; i < 28; i++)
      extra.push((await api.createPage(sandbox.databases.areas, { Name: title(`Extra ${i}`) })).id);
    const targets = [...extra, seeded.areaIds[2] as string, seeded.areaIds[6] as string];
    const todo = await api.createPage(sandbox.databases.todos, {
      Name: title('Wide'),
      'Todoist ID': richText('wide'),
      Area: relation(targets),
    });
    const { io } = captureIo();
    expect(await main(['--apply'], env, io)).toBe(0);
    expect(sandbox.counts().byRoute['GET /v1/pages/:id/properties/:id']).toBeGreaterThan(0);
    const page = sandbox.pages({ databaseId: sandbox.databases.todos }).find((p) => p.id === todo.id);
    expect(new Set(relationOf(page as SandboxPage, 'Area'))).toEqual(
      new Set([...extra, seeded.areaIds[0] as string, seeded.areaIds[1] as string]),
    );
  });

  it('--kind projects merges Project pages sharing a Todoist ID and moves Todos.Project', async () => {
    const older = await api.createPage(sandbox.databases.projects, {
      Name: title('Errands'),
      'Todoist ID': richText('p-dup'),
    });
    await sleep(5);
    const newer = await api.createPage(sandbox.databases.projects, {
      Name: title('Errands'),
      'Todoist ID': richText('p-dup'),
    });
    const todo = await api.createPage(sandbox.databases.todos, {
      Name: title('Post a letter'),
      'Todoist ID': richText('t-letter'),
      Project: relation([newer.id]),
    });
    const { io, out } = captureIo();
    expect(await main(['--kind', 'projects', '--apply'], env, io)).toBe(0);
    expect(out()).toContain('Duplicate projects: 1 groups');
    const projects = sandbox
      .pages({ databaseId: sandbox.databases.projects })
      .filter((p) => p.id === older.id || p.id === newer.id);
    expect(projects.map((p) => p.id)).toEqual([older.id]);
    const page = sandbox
      .pages({ databaseId: sandbox.databases.todos })
      .find((p) => p.id === todo.id) as SandboxPage;
    expect(relationOf(page, 'Project')).toEqual([older.id]);
  });

  it('bad arguments exit 2 with the usage; --help documents every flag', async () => {
    const bad = captureIo();
    expect(await main(['--aply'], env, bad.io)).toBe(2);
    expect(bad.err()).toContain('Usage: cleanup-duplicate-areas');
    const help = captureIo();
    expect(await main(['--help'], {}, help.io)).toBe(0);
    for (const flag of ['--apply', '--json', '--kind', '--help']) expect(help.out()).toContain(flag);
  });

  it('a missing variable is a clear error with exit 1', async () => {
    const { io, err } = captureIo();
    const { NOTION_TOKEN: _, ...rest } = env;
    expect(await main([], rest, io)).toBe(1);
    expect(err()).toContain('NOTION_TOKEN');
  });

  it('the real CLI, killed mid-run, is finished by the next run', async () => {
    const child = spawn(process.execPath, ['--import', TSX, CLI, '--apply'], {
      cwd: ROOT,
      env: { PATH: process.env['PATH'] ?? '', ...env, NOTION_RPS: '20', NOTION_CONCURRENCY: '2' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => {
      output += c.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const start = pageWrites(sandbox);
    for (let i = 0; i < 600 && pageWrites(sandbox) - start < 20 && child.exitCode === null; i++)
      await sleep(50);
    child.kill('SIGKILL');
    await exited;
    expect(output).toContain('Duplicate areas: 3 groups');
    // Killed with work left: duplicates still live.
    expect(sandbox.pages({ databaseId: sandbox.databases.areas }).length).toBeGreaterThan(5);
    expectNoLinkLost(sandbox, seeded);

    const { io } = captureIo();
    expect(await main(['--apply'], env, io)).toBe(0);
    expectMerged(sandbox, seeded);
  });
});
