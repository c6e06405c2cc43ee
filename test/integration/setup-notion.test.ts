import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main as doctor } from '../../src/cli/doctor.js';
import type { CliIo } from '../../src/cli/io.js';
import { main as setupNotion } from '../../src/cli/setup-notion.js';
import { loadConfig } from '../../src/config/index.js';
import { handleMessage } from '../../src/handlers/handle-message.js';
import { silentLogger } from '../../src/log/logger.js';
import { createSyncContext } from '../../src/runtime.js';
import { DEFAULT_SCHEMA, type NotionSandbox, startNotionSandbox } from '../support/notion-sandbox/index.js';
import { fixtureJson } from '../support/todoist-fake/fixtures.js';

type Version = '2022-06-28' | '2025-09-03' | '2026-03-11';

function captureIo() {
  const out = { stdout: '', stderr: '' };
  const io: CliIo = {
    stdout: (s) => {
      out.stdout += s;
    },
    stderr: (s) => {
      out.stderr += s;
    },
    isTTY: false,
  };
  return { io, out };
}

async function run(argv: string[], env: Record<string, string>) {
  const { io, out } = captureIo();
  const code = await setupNotion(argv, env, io);
  return { code, ...out };
}

/** Requests that change Notion, by route, since the sandbox started or was last reset. */
function writes(sandbox: NotionSandbox): Record<string, number> {
  return Object.fromEntries(
    Object.entries(sandbox.counts().byRoute).filter(([route]) => !route.startsWith('GET ')),
  );
}

function parseEnv(text: string, what: 'DATABASE' | 'DATA_SOURCE' = 'DATABASE'): Record<string, string> {
  return Object.fromEntries(
    text
      .split('\n')
      .map((l) => new RegExp(`^(NOTION_[A-Z]+_${what}_ID)=(\\S+)$`).exec(l))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => [m[1] ?? '', m[2] ?? '']),
  );
}

let sandbox: NotionSandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

describe('setup-notion on an empty page', () => {
  it.each<Version>(['2025-09-03', '2022-06-28', '2026-03-11'])(
    '%s: dry run first, then a workspace that doctor passes and the sync writes into; a second run writes nothing',
    async (version) => {
      // Prepare: a page shared with the integration, nothing in it.
      sandbox = await startNotionSandbox({});
      const base = {
        NOTION_TOKEN: 'secret-token-for-tests',
        NOTION_BASE_URL: sandbox.url,
        NOTION_RPS: '100',
        NOTION_VERSION: version,
      };
      const dir = await mkdtemp(join(tmpdir(), 'setup-notion-'));
      const envFile = join(dir, '.env');
      await writeFile(envFile, '# mine\nLOG_LEVEL=DEBUG\nNOTION_AREAS_DATABASE_ID=old\n');
      const url = `https://www.notion.so/Sync-workspace-${sandbox.parentPageId.replace(/-/g, '')}?pvs=4`;

      // Act 1: the dry run shows every database and changes nothing.
      const dry = await run(['--parent', url], base);
      expect(dry.code).toBe(0);
      expect(dry.stdout).toMatch(/Areas +create database "Areas": Name \(title\)/);
      expect(dry.stdout).toMatch(/Priority \(select P1\/P2\/P3\/P4\)/);
      expect(dry.stdout).toMatch(/Todos +add Parent \(relation → Todos\)/);
      expect(dry.stdout).toMatch(/Dry run: nothing was changed/);
      expect(writes(sandbox)).toEqual({});

      // Act 2: apply.
      const applied = await run(['--parent', url, '--apply', '--env-file', envFile], base);
      expect(applied.stderr).toBe('');
      expect(applied.code).toBe(0);
      expect(writes(sandbox)['POST /v1/databases']).toBe(4);
      const ids = parseEnv(applied.stdout);
      expect(Object.keys(ids).sort()).toEqual([
        'NOTION_AREAS_DATABASE_ID',
        'NOTION_PEOPLE_DATABASE_ID',
        'NOTION_PROJECTS_DATABASE_ID',
        'NOTION_TODOS_DATABASE_ID',
      ]);
      const file = await readFile(envFile, 'utf8');
      expect(file.startsWith('# mine\nLOG_LEVEL=DEBUG\n')).toBe(true);
      expect(parseEnv(file)).toEqual(ids);

      // Assess: relations point at the databases made, Priority has its options.
      const made = new Map(sandbox.listDatabases().map((d) => [d.id, d]));
      const todos = made.get(ids['NOTION_TODOS_DATABASE_ID'] ?? '');
      const relation = (name: string) => todos?.properties.find((p) => p.name === name)?.relation;
      expect(relation('Project')).toBe(ids['NOTION_PROJECTS_DATABASE_ID']);
      expect(relation('Assignee')).toBe(ids['NOTION_PEOPLE_DATABASE_ID']);
      expect(relation('Parent')).toBe(ids['NOTION_TODOS_DATABASE_ID']);
      expect(todos?.properties.find((p) => p.name === 'Priority')?.options).toEqual(['P1', 'P2', 'P3', 'P4']);
      // Beside each database id, its data source's (none under 2022-06-28), printed and written.
      const sources = parseEnv(applied.stdout, 'DATA_SOURCE');
      const sourceOf = (variable: string) => made.get(ids[variable.replace('DATA_SOURCE', 'DATABASE')] ?? '');
      expect(Object.keys(sources)).toHaveLength(version === '2022-06-28' ? 0 : 4);
      for (const [variable, id] of Object.entries(sources)) expect(sourceOf(variable)?.dataSourceId).toBe(id);
      expect(parseEnv(file, 'DATA_SOURCE')).toEqual(sources);

      // The doctor and the sync below run with the data sources configured, as a deployment would.
      const env = {
        ...base,
        ...ids,
        ...sources,
        STATE_STORE: 'memory',
        NOTION_INDEX_LAG_MS: '300',
        CLAIM_LEASE_MS: '30000',
      };
      const checked = captureIo();
      expect(await doctor(['--for', 'sync'], env, checked.io)).toBe(0);
      expect(checked.out.stdout).not.toMatch(/optional properties not used/);

      // A second run finds the databases by title under the page and sends no write.
      sandbox.reset();
      const again = await run(['--parent', sandbox.parentPageId, '--apply'], base);
      expect(again.code).toBe(0);
      expect(again.stdout).toMatch(/Nothing to change/);
      expect(parseEnv(again.stdout)).toEqual(ids);
      expect(writes(sandbox)).toEqual({});

      // So does a run that only has the env file the first one wrote.
      const fromFile = await run(['--env-file', envFile, '--apply'], base);
      expect(fromFile.code).toBe(0);
      expect(fromFile.stdout).toMatch(/Nothing to change/);
      expect(writes(sandbox)).toEqual({});

      // The sync writes a task into the new workspace.
      const ctx = createSyncContext(loadConfig(env, 'sync'), silentLogger);
      const event = fixtureJson('item-added.json');
      const outcome = await handleMessage(ctx, {
        body: Buffer.from(JSON.stringify(event)),
        attributes: { deliveryId: 'setup-1' },
        messageId: 'm-setup-1',
      });
      expect(outcome).toBe('applied');
      const pages = sandbox.pages({ databaseId: ids['NOTION_TODOS_DATABASE_ID'] ?? '' });
      expect(pages).toHaveLength(1);
      expect(JSON.stringify(pages[0]?.properties['Todoist ID'])).toContain(String(event.event_data['id']));
      await ctx.store.close();
    },
  );

  it('a page the integration cannot see: says how to share it, exit 1, nothing written', async () => {
    sandbox = await startNotionSandbox({});
    const env = { NOTION_TOKEN: 'secret-token-for-tests', NOTION_BASE_URL: sandbox.url, NOTION_RPS: '100' };
    const result = await run(['--parent', '0123456789abcdef0123456789abcdef', '--apply'], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/not shared with the integration.*Connections/);
    expect(writes(sandbox)).toEqual({});
  });

  it('bad arguments: exit 2 with the usage', async () => {
    sandbox = await startNotionSandbox({});
    const env = { NOTION_TOKEN: 'secret-token-for-tests', NOTION_BASE_URL: sandbox.url, NOTION_RPS: '100' };
    expect((await run(['--parent', 'not-a-page'], env)).code).toBe(2);
    const none = await run([], env);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/pass --parent/);
  });
});

describe('setup-notion on existing databases', () => {
  it('adds exactly the missing optional properties, after showing them; never touches a property of another type', async () => {
    // Prepare: the user's databases lack some optional properties; "Due" is text.
    const todosSchema = DEFAULT_SCHEMA.todos.map((p) =>
      p.name === 'Due' ? { name: 'Due', type: 'rich_text' as const } : { ...p },
    );
    sandbox = await startNotionSandbox({
      omitProperties: { todos: ['Parent', 'Section', 'Labels'], projects: ['Area'], people: ['Email'] },
      schema: { todos: todosSchema },
    });
    const env = {
      NOTION_TOKEN: 'secret-token-for-tests',
      NOTION_BASE_URL: sandbox.url,
      NOTION_RPS: '100',
      NOTION_AREAS_DATABASE_ID: sandbox.databases.areas,
      NOTION_PROJECTS_DATABASE_ID: sandbox.databases.projects,
      NOTION_TODOS_DATABASE_ID: sandbox.databases.todos,
      NOTION_PEOPLE_DATABASE_ID: sandbox.databases.people,
    };
    const before = sandbox.listDatabases();

    // Act + assess: the dry run lists them and writes nothing.
    const dry = await run([], env);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(
      /Todos +add Labels \(multi_select\), Parent \(relation → Todos\), Section \(select\)/,
    );
    expect(dry.stdout).toMatch(/Projects +add Area \(relation → Areas\)/);
    expect(dry.stdout).toMatch(/People +add Email \(email\)/);
    expect(dry.stdout).toMatch(/Areas +up to date/);
    expect(dry.stdout).toMatch(/"Due" is rich_text; the sync needs date \(optional/);
    expect(writes(sandbox)).toEqual({});

    const applied = await run(['--apply'], env);
    expect(applied.code).toBe(0);
    expect(writes(sandbox)).toEqual({ 'PATCH /v1/data_sources/:id': 3 });
    const after = sandbox.listDatabases();
    for (const db of before) {
      const now = after.find((d) => d.id === db.id);
      const added = now?.properties
        .filter((p) => !db.properties.some((q) => q.name === p.name))
        .map((p) => p.name);
      const expected = {
        todos: ['Labels', 'Parent', 'Section'],
        projects: ['Area'],
        people: ['Email'],
        areas: [],
      };
      expect(added).toEqual(expected[db.key ?? 'areas']);
      // Nothing the user had changed.
      expect(now?.properties.slice(0, db.properties.length)).toEqual(db.properties);
    }

    sandbox.reset();
    const again = await run(['--apply'], env);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/Nothing to change/);
    expect(writes(sandbox)).toEqual({});
  });

  it('a required property of another type: reported with its fix, exit 1, not changed', async () => {
    sandbox = await startNotionSandbox({
      schema: {
        projects: [
          { name: 'Name', type: 'title' },
          { name: 'Todoist ID', type: 'number' },
        ],
      },
    });
    const env = {
      NOTION_TOKEN: 'secret-token-for-tests',
      NOTION_BASE_URL: sandbox.url,
      NOTION_RPS: '100',
      NOTION_AREAS_DATABASE_ID: sandbox.databases.areas,
      NOTION_PROJECTS_DATABASE_ID: sandbox.databases.projects,
      NOTION_TODOS_DATABASE_ID: sandbox.databases.todos,
    };
    const result = await run(['--apply'], env);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /Projects +"Todoist ID" is number; the sync needs rich_text \(required\) → rename yours/,
    );
    expect(result.stdout).toMatch(/People +not configured/);
    const projects = sandbox.listDatabases().find((d) => d.key === 'projects');
    expect(projects?.properties.find((p) => p.name === 'Todoist ID')?.type).toBe('number');
  });
});
