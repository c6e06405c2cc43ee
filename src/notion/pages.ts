/** Page create, update (properties, trash) and retrieve over the shared HTTP layer. */
import type { NotionVersion } from '../config/index.js';
import type { DatabaseCatalog } from './data-sources.js';
import { isNotionError, NotionError } from './errors.js';
import type { NotionHttp } from './http.js';
import type { NotionPage, PropertyInput, RequestOptions } from './types.js';
import { parsePage } from './wire.js';

export interface PagePatch {
  properties?: Record<string, PropertyInput>;
  inTrash?: boolean;
}

export interface Pages {
  createPage(
    databaseId: string,
    properties: Record<string, PropertyInput>,
    request?: RequestOptions,
  ): Promise<NotionPage>;
  updatePage(pageId: string, patch: PagePatch, request?: RequestOptions): Promise<NotionPage>;
  retrievePage(pageId: string, request?: RequestOptions): Promise<NotionPage>;
}

/** Page operations; the parent of a new page is the data source (2025-09-03) or the database (2022-06-28). */
export function createPages(http: NotionHttp, catalog: DatabaseCatalog, version: NotionVersion): Pages {
  async function createPage(
    databaseId: string,
    properties: Record<string, PropertyInput>,
    request: RequestOptions = {},
  ): Promise<NotionPage> {
    const priority = request.priority ?? 'normal';
    const parent =
      version === '2022-06-28'
        ? { type: 'database_id', database_id: databaseId }
        : { type: 'data_source_id', data_source_id: await catalog.dataSourceId(databaseId, priority) };
    // Never retried on an unclear failure: the transport turns it into outcome_unknown.
    const answer = await http.request(
      'POST',
      '/v1/pages',
      { parent, properties },
      { idempotent: false, priority, beforeSend: request.beforeSend },
    );
    try {
      return parsePage(answer, 'POST /v1/pages');
    } catch (error) {
      // Notion answered 2xx, so the page exists; we only cannot tell which one it is.
      const cause = isNotionError(error) ? error : undefined;
      throw new NotionError('outcome_unknown', `POST /v1/pages succeeded but its answer is unreadable`, {
        cause,
      });
    }
  }

  async function updatePage(
    pageId: string,
    patch: PagePatch,
    request: RequestOptions = {},
  ): Promise<NotionPage> {
    const body: Record<string, unknown> = {};
    if (patch.properties) body['properties'] = patch.properties;
    if (patch.inTrash !== undefined) body['in_trash'] = patch.inTrash;
    const path = `/v1/pages/${encodeURIComponent(pageId)}`;
    // PATCH sets absolute values, so repeating it after an unclear failure is harmless.
    const answer = await http.request('PATCH', path, body, {
      idempotent: true,
      priority: request.priority ?? 'normal',
    });
    return parsePage(answer, 'PATCH /v1/pages/:id');
  }

  async function retrievePage(pageId: string, request: RequestOptions = {}): Promise<NotionPage> {
    const path = `/v1/pages/${encodeURIComponent(pageId)}`;
    const answer = await http.request('GET', path, undefined, { priority: request.priority ?? 'normal' });
    return parsePage(answer, 'GET /v1/pages/:id');
  }

  return { createPage, updatePage, retrievePage };
}
