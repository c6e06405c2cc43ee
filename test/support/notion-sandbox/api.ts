/** The /v1 routes: each handler takes the parsed request and returns the JSON answer or throws an ApiError. */
import { appendChildren, listChildren, retrieveBlock, updateBlock } from './blocks.js';
import { createDatabase, updateDatabase } from './databases.js';
import { bodyInvalid, invalidUrl, notFound, validation } from './errors.js';
import { compileFilter } from './filters.js';
import { listPage, pageSize, queryPage } from './ordering.js';
import { databaseJson, dataSourceJson, pageJson, type Version, withoutRetiredFields } from './shapes.js';
import { BOT, type Database, type Store } from './store.js';
import { isObject, type Json, normaliseId } from './values.js';

/** One parsed /v1 request. */
export interface Ctx {
  store: Store;
  version: Version;
  body: Json;
  query: URLSearchParams;
  params: string[];
}
interface Route {
  /** Counter key, e.g. `PATCH /v1/pages/:id`. */
  name: string;
  pattern: RegExp;
  handle(ctx: Ctx): Json;
}

const legacy = (v: Version) => v === '2022-06-28';
const id0 = (ctx: Ctx) => ctx.params[0] ?? '';

/** 2022-06-28 (and `database_id` parents) cannot address a database holding several data sources. */
function singleSource(db: Database): Database {
  if (db.extraDataSourceIds.length === 0) return db;
  throw validation('Databases with multiple data sources are not supported in this API version.', {
    error_type: 'multiple_data_sources_for_database',
    database_id: db.id,
    child_data_source_ids: [db.dataSourceId, ...db.extraDataSourceIds],
    minimum_api_version: '2025-09-03',
  });
}

function query(ctx: Ctx, db: Database): Json {
  const matches = compileFilter(ctx.body['filter'], db.properties);
  const rows = ctx.store.visibleRows(db).filter((r) => matches(r.snap));
  const page = queryPage(rows, ctx.body, db.properties);
  const type = legacy(ctx.version) ? 'page_or_database' : 'page_or_data_source';
  return {
    object: 'list',
    results: page.results.map((r) => pageJson(ctx.store, ctx.store.page(r.id), ctx.version, r.snap)),
    next_cursor: page.next_cursor,
    has_more: page.has_more,
    type,
    [type]: {},
  };
}

function createPage(ctx: Ctx): Json {
  const parent = ctx.body['parent'];
  if (!isObject(parent)) throw bodyInvalid('body.parent', 'should be defined, instead was `undefined`');
  const { store } = ctx;
  let db: Database;
  if (typeof parent['data_source_id'] === 'string')
    db = store.database(parent['data_source_id'], 'data_source');
  else if (typeof parent['database_id'] === 'string')
    db = singleSource(store.database(parent['database_id'], 'database'));
  else
    throw validation(
      'body failed validation: the sandbox only creates pages under a database_id or data_source_id parent.',
    );
  return pageJson(store, store.create(db, ctx.body['properties'], ctx.body['children']), ctx.version);
}

function pageProperty(ctx: Ctx): Json {
  const page = ctx.store.page(id0(ctx));
  const wanted = ctx.params[1] ?? '';
  const value = Object.values(page.properties).find((p) => p['id'] === wanted);
  if (!value) throw notFound('property', wanted);
  const type = String(value['type']);
  const items = value[type];
  if (!Array.isArray(items) || type === 'multi_select')
    return { object: 'property_item', id: wanted, type, [type]: items };
  const all = items.map((item: unknown, i) => ({
    object: 'property_item',
    id: `${wanted}:${i}`,
    type,
    [type]: item,
  }));
  const size = pageSize(ctx.query.get('page_size') ?? undefined, 'page_size');
  const page1 = listPage(all, ctx.query.get('start_cursor'), size);
  return {
    object: 'list',
    results: page1.results.map((r) => ({ ...r, id: wanted })),
    next_cursor: page1.next_cursor,
    has_more: page1.has_more,
    type: 'property_item',
    property_item: { id: wanted, type, [type]: {}, next_url: null },
  };
}

function deleteBlock(ctx: Ctx): Json {
  const id = normaliseId(id0(ctx));
  const page = ctx.store.pages.get(id);
  if (!page) return updateBlock(ctx.store, id, { in_trash: true }, ctx.version);
  ctx.store.update(id, { in_trash: true });
  return withoutRetiredFields(
    { object: 'block', id, type: 'child_page', child_page: { title: '' }, archived: true, in_trash: true },
    ctx.version,
  );
}

const route = (name: string, pattern: RegExp, handle: (ctx: Ctx) => Json): Route => ({
  name,
  pattern,
  handle,
});

/** Every /v1 route the sandbox answers; anything else is 400 invalid_request_url. */
export const ROUTES: Route[] = [
  route('GET /v1/users/me', /^GET \/v1\/users\/me$/, () => ({
    object: 'user',
    id: BOT.id,
    type: 'bot',
    name: 'Sandbox integration',
    bot: { owner: { type: 'workspace', workspace: true }, workspace_name: 'Sandbox' },
  })),
  route('GET /v1/databases/:id', /^GET \/v1\/databases\/([^/]+)$/, (ctx) => {
    const db = ctx.store.database(id0(ctx), 'database');
    return databaseJson(ctx.store, legacy(ctx.version) ? singleSource(db) : db, ctx.version);
  }),
  route('POST /v1/databases/:id/query', /^POST \/v1\/databases\/([^/]+)\/query$/, (ctx) => {
    if (!legacy(ctx.version)) throw invalidUrl();
    return query(ctx, singleSource(ctx.store.database(id0(ctx), 'database')));
  }),
  route('POST /v1/databases', /^POST \/v1\/databases$/, (ctx) =>
    databaseJson(ctx.store, createDatabase(ctx.store, ctx.version, ctx.body), ctx.version),
  ),
  route('PATCH /v1/databases/:id', /^PATCH \/v1\/databases\/([^/]+)$/, (ctx) => {
    const found = ctx.store.database(id0(ctx), 'database');
    const db = legacy(ctx.version) ? singleSource(found) : found;
    return databaseJson(
      ctx.store,
      updateDatabase(ctx.store, ctx.version, db, ctx.body, 'database'),
      ctx.version,
    );
  }),
  route('GET /v1/data_sources/:id', /^GET \/v1\/data_sources\/([^/]+)$/, (ctx) => {
    if (legacy(ctx.version)) throw invalidUrl();
    return dataSourceJson(ctx.store, ctx.store.database(id0(ctx), 'data_source'), ctx.version);
  }),
  route('PATCH /v1/data_sources/:id', /^PATCH \/v1\/data_sources\/([^/]+)$/, (ctx) => {
    if (legacy(ctx.version)) throw invalidUrl();
    const db = ctx.store.database(id0(ctx), 'data_source');
    return dataSourceJson(
      ctx.store,
      updateDatabase(ctx.store, ctx.version, db, ctx.body, 'data_source'),
      ctx.version,
    );
  }),
  route('POST /v1/data_sources/:id/query', /^POST \/v1\/data_sources\/([^/]+)\/query$/, (ctx) => {
    if (legacy(ctx.version)) throw invalidUrl();
    return query(ctx, ctx.store.database(id0(ctx), 'data_source'));
  }),
  route('POST /v1/pages', /^POST \/v1\/pages$/, createPage),
  route('GET /v1/pages/:id', /^GET \/v1\/pages\/([^/]+)$/, (ctx) =>
    pageJson(ctx.store, ctx.store.page(id0(ctx)), ctx.version),
  ),
  route('PATCH /v1/pages/:id', /^PATCH \/v1\/pages\/([^/]+)$/, (ctx) =>
    pageJson(ctx.store, ctx.store.update(id0(ctx), ctx.body), ctx.version),
  ),
  route('GET /v1/pages/:id/properties/:id', /^GET \/v1\/pages\/([^/]+)\/properties\/([^/]+)$/, pageProperty),
  route('GET /v1/blocks/:id/children', /^GET \/v1\/blocks\/([^/]+)\/children$/, (ctx) =>
    listChildren(ctx.store, id0(ctx), ctx.query, ctx.version),
  ),
  route('PATCH /v1/blocks/:id/children', /^PATCH \/v1\/blocks\/([^/]+)\/children$/, (ctx) =>
    appendChildren(ctx.store, id0(ctx), ctx.body, ctx.version),
  ),
  route('GET /v1/blocks/:id', /^GET \/v1\/blocks\/([^/]+)$/, (ctx) =>
    retrieveBlock(ctx.store, id0(ctx), ctx.version),
  ),
  route('PATCH /v1/blocks/:id', /^PATCH \/v1\/blocks\/([^/]+)$/, (ctx) =>
    updateBlock(ctx.store, id0(ctx), ctx.body, ctx.version),
  ),
  route('DELETE /v1/blocks/:id', /^DELETE \/v1\/blocks\/([^/]+)$/, deleteBlock),
];

/** The route for `METHOD /path` and its decoded path parameters. */
export function matchRoute(method: string, path: string): { route: Route; params: string[] } | undefined {
  const signature = `${method} ${path.replace(/\/+$/, '')}`;
  for (const r of ROUTES) {
    const m = r.pattern.exec(signature);
    if (m) return { route: r, params: m.slice(1).map((p) => decodeURIComponent(p)) };
  }
  return undefined;
}
