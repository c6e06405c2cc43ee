/**
 * Reads a whole relation property when a page shows only its first 25 targets, through the
 * Notion client's own request function (same limiter, retry policy and counting):
 * `GET /v1/pages/{page_id}/properties/{property_id}`, paginated by `start_cursor`.
 */
import * as v from 'valibot';
import type { NotionClient } from '../notion/client.js';
import { jsonObject } from '../validation/json-values.js';
import type { RelationReader } from './relinks.js';

const PropertyItemList = v.object({
  results: v.array(jsonObject({ relation: v.optional(v.object({ id: v.string() })) })),
  has_more: v.optional(v.boolean()),
  next_cursor: v.nullish(v.string()),
});

/** Property ids come percent-encoded in page responses; encode exactly once for the path. */
function pathSegment(id: string): string {
  try {
    return encodeURIComponent(decodeURIComponent(id));
  } catch {
    return encodeURIComponent(id);
  }
}

/** A reader of full relation lists over `client.request`. */
export function relationReader(client: Pick<NotionClient, 'request'>): RelationReader {
  return async (pageId, propertyId) => {
    const ids: string[] = [];
    let cursor: string | undefined;
    for (let round = 0; round < 1000; round++) {
      const query = new URLSearchParams({ page_size: '100' });
      if (cursor) query.set('start_cursor', cursor);
      const path = `/v1/pages/${encodeURIComponent(pageId)}/properties/${pathSegment(propertyId)}?${query}`;
      const list = v.parse(PropertyItemList, await client.request('GET', path));
      for (const item of list.results) if (item.relation) ids.push(item.relation.id);
      if (!list.has_more || !list.next_cursor) break;
      cursor = list.next_cursor;
    }
    return ids;
  };
}
