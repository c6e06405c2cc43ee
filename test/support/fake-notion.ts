import { randomUUID } from 'node:crypto';
import { NotionError } from '../../src/notion/errors.js';
import type { DatabaseSchema, Filter, NotionApi, NotionPage, PropertyInput } from '../../src/notion/types.js';

/**
 * An in-memory NotionApi for unit tests of the sync logic (no HTTP, no lag). The guarantees are
 * tested against the sandbox; this only lets logic tests count requests and read results.
 */
export function createFakeNotion(databases: Record<string, Record<string, string>>) {
  const pages = new Map<string, NotionPage & { db: string }>();
  const byRoute: Record<string, number> = {};
  let total = 0;
  let clock = Date.parse('2026-01-01T00:00:00Z');
  const count = (route: string) => {
    total++;
    byRoute[route] = (byRoute[route] ?? 0) + 1;
  };
  const text = (v: unknown) =>
    (
      ((v as { title?: unknown[]; rich_text?: unknown[] })?.title ??
        (v as { rich_text?: unknown[] })?.rich_text ??
        []) as Array<{
        text?: { content?: string };
        plain_text?: string;
      }>
    )
      .map((t) => t.plain_text ?? t.text?.content ?? '')
      .join('');
  const matches = (page: NotionPage, filter: Filter | undefined): boolean => {
    if (!filter) return true;
    if ('and' in filter) return filter.and.every((f) => matches(page, f));
    if ('or' in filter) return filter.or.some((f) => matches(page, f));
    const value = page.properties[filter.property];
    if ('title' in filter) {
      if ('contains' in filter.title)
        return text(value).toLowerCase().includes(filter.title.contains.toLowerCase());
      return text(value) === filter.title.equals;
    }
    if ('rich_text' in filter && 'equals' in filter.rich_text) return text(value) === filter.rich_text.equals;
    if ('select' in filter)
      return (value as { select?: { name?: string } | null })?.select?.name === filter.select.equals;
    if ('relation' in filter && 'contains' in filter.relation) {
      return ((value as { relation?: Array<{ id: string }> })?.relation ?? []).some(
        (r) => r.id === (filter.relation as { contains: string }).contains,
      );
    }
    return false;
  };
  const toStored = (props: Record<string, PropertyInput>) => {
    const out: NotionPage['properties'] = {};
    for (const [k, v] of Object.entries(props)) {
      const value = v as Record<string, unknown>;
      const type = Object.keys(value)[0] ?? 'unknown';
      if (type === 'title' || type === 'rich_text') {
        const items = (value[type] as Array<{ text: { content: string } }>).map((t) => ({
          ...t,
          plain_text: t.text.content,
        }));
        out[k] = { type, [type]: items };
      } else out[k] = { type, ...value };
    }
    return out;
  };
  const api: NotionApi = {
    async query(databaseId, options) {
      count('POST /v1/data_sources/:id/query');
      const results = [...pages.values()].filter(
        (p) => p.db === databaseId && !p.in_trash && matches(p, options?.filter),
      );
      return { results, hasMore: false, nextCursor: null };
    },
    async *queryAll(databaseId, options) {
      const page = await api.query(databaseId, options);
      yield* page.results;
    },
    async createPage(databaseId, properties) {
      count('POST /v1/pages');
      clock += 1000;
      const page = {
        id: randomUUID(),
        db: databaseId,
        parent: { type: 'database_id', database_id: databaseId },
        created_time: new Date(clock).toISOString(),
        last_edited_time: new Date(clock).toISOString(),
        in_trash: false,
        properties: toStored(properties),
      };
      pages.set(page.id, page);
      return page;
    },
    async updatePage(pageId, patch) {
      count('PATCH /v1/pages/:id');
      const page = pages.get(pageId);
      if (!page) throw new NotionError('object_not_found', `no page ${pageId}`);
      if (page.in_trash && patch.properties && patch.inTrash !== false) {
        throw new NotionError(
          'validation_error',
          "Can't edit block that is archived. You must unarchive the block before editing.",
        );
      }
      if (patch.inTrash !== undefined) page.in_trash = patch.inTrash;
      if (patch.properties) Object.assign(page.properties, toStored(patch.properties));
      return page;
    },
    async retrievePage(pageId) {
      count('GET /v1/pages/:id');
      const page = pages.get(pageId);
      if (!page) throw new NotionError('object_not_found', `no page ${pageId}`);
      return page;
    },
    async schema(databaseId): Promise<DatabaseSchema> {
      const types = databases[databaseId] ?? {};
      return {
        databaseId,
        title: databaseId,
        properties: Object.fromEntries(Object.entries(types).map(([n, type]) => [n, { id: n, type }])),
      };
    },
    stats: () => ({ total, byRoute: { ...byRoute } }),
  };
  return {
    api,
    pages: (db?: string) => [...pages.values()].filter((p) => db === undefined || p.db === db),
    text,
    resetCounts() {
      total = 0;
      for (const k of Object.keys(byRoute)) delete byRoute[k];
    },
  };
}
