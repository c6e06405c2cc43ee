/** Row queries over direct HTTP, under either API version. */
import type { Logger } from '../log/logger.js';
import type { DatabaseCatalog } from './data-sources.js';
import type { NotionHttp } from './http.js';
import type { NotionPage, QueryOptions, QueryPage, RequestOptions } from './types.js';
import { parsePageList } from './wire.js';

export interface Queries {
  query(databaseId: string, options?: QueryOptions, request?: RequestOptions): Promise<QueryPage>;
  queryAll(databaseId: string, options?: QueryOptions, request?: RequestOptions): AsyncIterable<NotionPage>;
}

/** Query functions over the shared HTTP layer; queries are read-only POSTs, hence marked idempotent. */
export function createQueries(http: NotionHttp, catalog: DatabaseCatalog, logger: Logger): Queries {
  async function query(
    databaseId: string,
    options: QueryOptions = {},
    request: RequestOptions = {},
  ): Promise<QueryPage> {
    const priority = request.priority ?? 'normal';
    const { path, checked } = await catalog.queryTarget(databaseId, priority);
    const body: Record<string, unknown> = { page_size: Math.min(100, Math.max(1, options.pageSize ?? 100)) };
    if (options.filter) body['filter'] = options.filter;
    if (options.sorts) body['sorts'] = options.sorts;
    if (options.startCursor) body['start_cursor'] = options.startCursor;
    // Rows of a data source not yet known to be this database's are never handed out.
    const [answer] = await Promise.all([
      http.request('POST', path, body, { idempotent: true, priority }),
      checked,
    ]);
    const { list, pages } = parsePageList(answer, `POST ${path}`);
    if (list.request_status?.type === 'incomplete') {
      // Notion stops at 10,000 results and says so only here; a plain cursor loop would end silently.
      logger.warn('notion query result incomplete', {
        databaseId,
        reason: list.request_status.incomplete_reason ?? 'unknown',
        results: pages.length,
      });
    }
    const nextCursor = list.has_more ? (list.next_cursor ?? null) : null;
    return { results: pages, hasMore: list.has_more && nextCursor !== null, nextCursor };
  }

  async function* queryAll(
    databaseId: string,
    options: QueryOptions = {},
    request: RequestOptions = {},
  ): AsyncGenerator<NotionPage> {
    let cursor = options.startCursor;
    for (;;) {
      const page = await query(databaseId, { ...options, startCursor: cursor }, request);
      yield* page.results;
      if (!page.hasMore || page.nextCursor === null) return;
      cursor = page.nextCursor;
    }
  }

  return { query, queryAll };
}
