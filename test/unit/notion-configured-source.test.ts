import { describe, expect, it } from 'vitest';
import type { Config, NotionVersion } from '../../src/config/index.js';
import { createLogger } from '../../src/log/logger.js';
import { configuredSources } from '../../src/notion/configured-sources.js';
import { createDatabaseCatalog } from '../../src/notion/data-sources.js';
import { isNotionError, isPageGone, NotionError } from '../../src/notion/errors.js';
import type { NotionHttp } from '../../src/notion/http.js';
import { createPages } from '../../src/notion/pages.js';
import { createQueries } from '../../src/notion/query.js';
import { createSchemaReader } from '../../src/notion/schema-reader.js';

const TODOS = '33333333-3333-3333-3333-333333333333';
const TODOS_SOURCE = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const AREAS = '11111111111111111111111111111111';
const AREAS_SOURCE = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb';

const page = { id: 'p1', created_time: 't', last_edited_time: 't', in_trash: false, properties: {} };
const sourceOf: Record<string, { parent: string; title: string }> = {
  [TODOS_SOURCE]: { parent: TODOS.replace(/-/g, ''), title: 'Tasks' },
  [AREAS_SOURCE]: { parent: AREAS, title: 'Areas' },
};

/** A recording stand-in for Notion's HTTP layer; a GET answers only when `release()` is called, if held. */
function recordingHttp(hold = false) {
  const sent: string[] = [];
  const waiting: Array<() => void> = [];
  const answer = (method: string, path: string, body: unknown): unknown => {
    const [, , kind, id = ''] = path.split('/');
    if (method === 'GET' && kind === 'databases')
      return {
        object: 'database',
        id,
        title: [{ plain_text: 'Todos' }],
        data_sources: [{ id: TODOS_SOURCE }],
      };
    if (method === 'GET' && kind === 'data_sources') {
      const s = sourceOf[id];
      if (!s) throw new NotionError('object_not_found', `GET ${path} → 404: Could not find data_source`);
      const props = { Name: { id: 'title', type: 'title' } };
      return {
        object: 'data_source',
        id,
        title: [{ plain_text: s.title }],
        parent: { type: 'database_id', database_id: s.parent },
        properties: props,
      };
    }
    if (path === '/v1/pages') return { ...page, parent: (body as { parent: unknown }).parent };
    return { object: 'list', results: [page], has_more: false, next_cursor: null };
  };
  const http: NotionHttp = {
    async request(method, path, body) {
      sent.push(
        method === 'POST' && path === '/v1/pages'
          ? `POST /v1/pages ${JSON.stringify((body as { parent: unknown }).parent)}`
          : `${method} ${path}`,
      );
      if (hold && method === 'GET') await new Promise<void>((r) => waiting.push(r));
      return answer(method, path, body);
    },
    stats: () => ({ total: sent.length, byRoute: {}, byStatus: {}, retries: {} }),
    close: async () => undefined,
  };
  const release = () => {
    for (const answer of waiting.splice(0)) answer();
  };
  return { http, sent, release };
}

/** The Notion operations as the client composes them, over `http`. */
function notionOver(
  http: NotionHttp,
  dataSources: Config['notion']['dataSources'],
  version: NotionVersion = '2025-09-03',
) {
  const databases = { areas: AREAS, projects: '', todos: TODOS, people: undefined };
  const catalog = createDatabaseCatalog(
    http,
    version,
    configuredSources({ version, databases, dataSources }),
  );
  return {
    schema: createSchemaReader(catalog, version),
    pages: createPages(http, catalog, version),
    queries: createQueries(http, catalog, createLogger({ sink: () => undefined })),
  };
}

describe('a configured data source id', () => {
  it('a cold instance reads the Todos schema in one request instead of two', async () => {
    const unset = recordingHttp();
    const configured = recordingHttp();

    await notionOver(unset.http, {}).schema(TODOS);
    const schema = await notionOver(configured.http, { todos: TODOS_SOURCE }).schema(TODOS);

    expect(unset.sent).toEqual([`GET /v1/databases/${TODOS}`, `GET /v1/data_sources/${TODOS_SOURCE}`]);
    expect(configured.sent).toEqual([`GET /v1/data_sources/${TODOS_SOURCE}`]);
    expect(schema).toEqual({
      databaseId: TODOS,
      title: 'Tasks',
      properties: { Name: { id: 'title', type: 'title' } },
    });
  });

  it('look-ups and new pages go to the configured data source, and nothing reads the database', async () => {
    const { http, sent } = recordingHttp();
    const notion = notionOver(http, { todos: TODOS_SOURCE });

    await notion.queries.query(TODOS);
    await notion.pages.createPage(TODOS, {});

    expect(sent).toEqual([
      `GET /v1/data_sources/${TODOS_SOURCE}`,
      `POST /v1/data_sources/${TODOS_SOURCE}/query`,
      `POST /v1/pages {"type":"data_source_id","data_source_id":"${TODOS_SOURCE}"}`,
    ]);
  });

  it("a cold look-up is sent beside the data source's check, not after it, and answers once it passed", async () => {
    const { http, sent, release } = recordingHttp(true);
    const lookUp = notionOver(http, { areas: AREAS_SOURCE }).queries.query(AREAS);
    let answered = false;
    void lookUp.then(() => {
      answered = true;
    });
    await new Promise((r) => setImmediate(r));

    expect(sent).toEqual([
      `GET /v1/data_sources/${AREAS_SOURCE}`,
      `POST /v1/data_sources/${AREAS_SOURCE}/query`,
    ]);
    // Its rows wait for the check: a data source of another database must not answer a look-up.
    expect(answered).toBe(false);
    release();
    expect((await lookUp).results.map((p) => p.id)).toEqual(['p1']);
  });

  it('a data source of another database stops schema reads, look-ups and creates, naming both variables and what it is', async () => {
    const { http, sent } = recordingHttp();
    const notion = notionOver(http, { todos: AREAS_SOURCE });

    const read = await notion.schema(TODOS).catch((e: unknown) => e);
    const lookUp = await notion.queries.query(TODOS).catch((e: unknown) => e);
    const create = await notion.pages.createPage(TODOS, {}).catch((e: unknown) => e);

    expect(isNotionError(read, 'schema_invalid')).toBe(true);
    expect((read as Error).message).toBe(
      `NOTION_TODOS_DATA_SOURCE_ID (${AREAS_SOURCE}) is the data source "Areas" of database ${AREAS}, not of ` +
        `NOTION_TODOS_DATABASE_ID (${TODOS}): set NOTION_TODOS_DATA_SOURCE_ID to that database's data source ` +
        '(npm run setup-notion prints it), or unset NOTION_TODOS_DATA_SOURCE_ID',
    );
    expect(isNotionError(lookUp, 'schema_invalid')).toBe(true);
    expect(isNotionError(create, 'schema_invalid')).toBe(true);
    expect(sent.filter((s) => s.startsWith('POST /v1/pages'))).toEqual([]);
  });

  it('a data source Notion does not know is reported with the variable to fix', async () => {
    const { http } = recordingHttp();
    const unknown = 'cccccccccccccccccccccccccccccccc';

    const error = await notionOver(http, { todos: unknown })
      .schema(TODOS)
      .catch((e: unknown) => e);

    // A configuration to fix, retried like a schema, never taken for a page that is gone.
    expect(isNotionError(error, 'schema_invalid')).toBe(true);
    expect(isPageGone(error)).toBe(false);
    expect((error as Error).message).toMatch(
      new RegExp(`^NOTION_TODOS_DATA_SOURCE_ID \\(${unknown}\\): no such data source`),
    );
  });

  it('is ignored under 2022-06-28, which reads and writes the database itself', async () => {
    const { http, sent } = recordingHttp();
    const notion = notionOver(http, { todos: AREAS_SOURCE }, '2022-06-28');

    await notion.schema(TODOS);
    await notion.pages.createPage(TODOS, {});

    expect(sent).toEqual([
      `GET /v1/databases/${TODOS}`,
      `POST /v1/pages {"type":"database_id","database_id":"${TODOS}"}`,
    ]);
  });
});
