/** The Notion calls setup-notion makes, over the product's client (one limiter, one retry policy), per API version. */
import type { NotionVersion } from '../config/index.js';
import type { NotionClient } from '../notion/client.js';
import { isNotionError, NotionError } from '../notion/errors.js';
import { versionTraits } from '../notion/versions.js';
import type { CurrentDatabase } from './plan.js';
import type { WantedProperty } from './workspace-spec.js';

/** Where a database is addressed: its id, and its data source under 2025-09-03 and later. */
export interface DatabaseRef {
  id: string;
  dataSourceId?: string;
}

/** The narrow interface setup-notion works through. */
export interface SetupNotion {
  /** Child databases of a page, by title (404 when the page is not shared with the integration). */
  childDatabases(pageId: string): Promise<Array<{ id: string; title: string }>>;
  readDatabase(databaseId: string): Promise<CurrentDatabase & DatabaseRef>;
  createDatabase(
    parentPageId: string,
    title: string,
    properties: Record<string, unknown>,
  ): Promise<DatabaseRef>;
  addProperties(db: DatabaseRef, properties: Record<string, unknown>): Promise<void>;
}

/** The schema object of one property as Notion takes it in a create or update. */
export function propertyConfig(
  p: WantedProperty,
  version: NotionVersion,
  target?: DatabaseRef,
): Record<string, unknown> {
  if (p.relation) {
    if (!target) throw new Error(`relation ${p.name}: its target database is not known yet`);
    // 2022-06-28 has no data sources to name; later versions want the data source id.
    const where = versionTraits(version).dataSources
      ? { data_source_id: target.dataSourceId }
      : { database_id: target.id };
    return { relation: { ...where, type: 'single_property', single_property: {} } };
  }
  if (p.options) return { [p.type]: { options: p.options.map((name) => ({ name })) } };
  if (p.type === 'number') return { number: { format: 'number' } };
  return { [p.type]: {} };
}

interface ChildList {
  results: Array<{ id: string; type: string; child_database?: { title?: string } }>;
  has_more?: boolean;
  next_cursor?: string | null;
}

/** The adapter over a Notion client. */
export function createSetupNotion(client: NotionClient, version: NotionVersion): SetupNotion {
  const traits = versionTraits(version);
  return {
    async childDatabases(pageId) {
      const found: Array<{ id: string; title: string }> = [];
      let cursor: string | undefined;
      for (;;) {
        const query = new URLSearchParams({ page_size: '100' });
        if (cursor) query.set('start_cursor', cursor);
        const list = (await client.request(
          'GET',
          `/v1/blocks/${encodeURIComponent(pageId)}/children?${query}`,
        )) as ChildList;
        for (const b of list.results ?? [])
          if (b.type === 'child_database') found.push({ id: b.id, title: b.child_database?.title ?? '' });
        if (!list.has_more || !list.next_cursor) return found;
        cursor = list.next_cursor;
      }
    },
    async readDatabase(databaseId) {
      const schema = await client.schema(databaseId);
      const ref: DatabaseRef = { id: databaseId };
      if (traits.dataSources) ref.dataSourceId = await client.dataSourceId(databaseId);
      return { ...ref, title: schema.title, properties: schema.properties };
    },
    async createDatabase(parentPageId, title, properties) {
      const body: Record<string, unknown> = {
        parent: { type: 'page_id', page_id: parentPageId },
        title: [{ type: 'text', text: { content: title } }],
        ...(traits.dataSources ? { initial_data_source: { properties } } : { properties }),
      };
      const answer = (await client.request('POST', '/v1/databases', body, { idempotent: false })) as {
        id?: string;
        data_sources?: Array<{ id: string }>;
      };
      if (typeof answer.id !== 'string')
        throw new NotionError('unexpected_response', 'POST /v1/databases answered without a database id');
      const ref: DatabaseRef = { id: answer.id };
      if (traits.dataSources)
        ref.dataSourceId = answer.data_sources?.[0]?.id ?? (await client.dataSourceId(answer.id));
      return ref;
    },
    async addProperties(db, properties) {
      const path = traits.dataSources
        ? `/v1/data_sources/${encodeURIComponent(db.dataSourceId ?? '')}`
        : `/v1/databases/${encodeURIComponent(db.id)}`;
      // Adding a property that exists already changes nothing, so a repeat after an unclear failure is safe.
      await client.request('PATCH', path, { properties }, { idempotent: true });
    },
  };
}

/** True when Notion says the page or database is missing or not shared with the integration. */
export function isNotShared(error: unknown): boolean {
  return isNotionError(error, 'object_not_found') || isNotionError(error, 'restricted_resource');
}
