import { afterEach, describe, expect, it } from 'vitest';
import { checkEnvironment } from '../../src/cli/doctor-env.js';
import { checkNotion } from '../../src/cli/doctor-notion.js';
import { loadConfig } from '../../src/config/index.js';
import { silentLogger } from '../../src/log/logger.js';
import { createNotionApi } from '../../src/notion/client.js';
import { MEMORY_SYNC_ENV } from '../support/memory-env.js';
import { type NotionSandbox, startNotionSandbox } from '../support/notion-sandbox/index.js';

const BASE = MEMORY_SYNC_ENV;
const SOURCE = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';

const lineOf = (env: Record<string, string>, label: string) =>
  checkEnvironment({ ...BASE, ...env }, ['sync']).lines.find((l) => l.label === label);

let sandbox: NotionSandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

describe('doctor and the configured data sources', () => {
  it('lists each one as optional, with the request it spares', () => {
    expect(lineOf({}, 'NOTION_TODOS_DATA_SOURCE_ID')).toEqual({
      status: 'skip',
      label: 'NOTION_TODOS_DATA_SOURCE_ID',
      detail:
        'not set (optional: unset, each cold instance first reads the database to find it, one Notion request more)',
    });
    expect(lineOf({ NOTION_AREAS_DATA_SOURCE_ID: SOURCE }, 'NOTION_AREAS_DATA_SOURCE_ID')).toMatchObject({
      status: 'ok',
      detail: `= ${SOURCE} (spares a cold instance one Notion request)`,
    });
    const old = { NOTION_VERSION: '2022-06-28', NOTION_AREAS_DATA_SOURCE_ID: SOURCE };
    expect(lineOf(old, 'NOTION_AREAS_DATA_SOURCE_ID')?.detail).toMatch(
      /ignored under Notion-Version 2022-06-28/,
    );
    expect(lineOf({ NOTION_PEOPLE_DATA_SOURCE_ID: 'nope' }, 'NOTION_PEOPLE_DATA_SOURCE_ID')).toMatchObject({
      status: 'fail',
      fix: expect.stringMatching(/npm run setup-notion prints/),
    });
  });

  it('reports a data source of another database and one Notion does not know, and passes the right one', async () => {
    sandbox = await startNotionSandbox({});
    const env = {
      NOTION_TOKEN: 'secret-token-for-tests',
      NOTION_BASE_URL: sandbox.url,
      NOTION_RPS: '100',
      STATE_STORE: 'memory',
      NOTION_AREAS_DATABASE_ID: sandbox.databases.areas,
      NOTION_PROJECTS_DATABASE_ID: sandbox.databases.projects,
      NOTION_TODOS_DATABASE_ID: sandbox.databases.todos,
      NOTION_AREAS_DATA_SOURCE_ID: sandbox.dataSources.areas,
      // The Projects data source pasted as the Todos one, and the database id as the Projects one.
      NOTION_TODOS_DATA_SOURCE_ID: sandbox.dataSources.projects,
      NOTION_PROJECTS_DATA_SOURCE_ID: sandbox.databases.projects,
    };
    const config = loadConfig(env, 'cli');
    const api = createNotionApi({ config: config.notion, logger: silentLogger });

    const lines = await checkNotion(config, new Set(), api);
    await api.close();

    expect(lines.find((l) => l.label.startsWith('Areas'))).toMatchObject({ status: 'ok' });
    expect(lines.find((l) => l.label.startsWith('Todos'))).toEqual({
      status: 'fail',
      label: 'Todos data source (NOTION_TODOS_DATA_SOURCE_ID)',
      detail:
        `NOTION_TODOS_DATA_SOURCE_ID (${sandbox.dataSources.projects}) is the data source "Projects" of database ` +
        `${sandbox.databases.projects}, not of NOTION_TODOS_DATABASE_ID (${sandbox.databases.todos})`,
      fix: expect.stringMatching(
        /^set NOTION_TODOS_DATA_SOURCE_ID to the data source of NOTION_TODOS_DATABASE_ID/,
      ),
    });
    expect(lines.find((l) => l.label.startsWith('Projects'))).toMatchObject({
      status: 'fail',
      label: 'Projects data source (NOTION_PROJECTS_DATA_SOURCE_ID)',
      detail: expect.stringMatching(
        new RegExp(
          `^NOTION_PROJECTS_DATA_SOURCE_ID \\(${sandbox.databases.projects}\\): no such data source`,
        ),
      ),
    });
    expect(lines.find((l) => l.label.startsWith('Notion token'))).toMatchObject({ status: 'ok' });
  });
});
