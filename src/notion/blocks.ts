/** Page content blocks (append, list, update, trash) over any `request` choke point of the Notion client. */
import * as v from 'valibot';
import type { NotionVersion } from '../config/index.js';
import { jsonObject } from '../validation/json-values.js';
import { NotionError } from './errors.js';
import type { HttpMethod, HttpRequestOptions } from './http.js';
import type { BlockInput, NotionBlock, NotionBlocks, RequestOptions } from './types.js';
import { appendBody } from './versions.js';

/** The raw request function of `NotionClient` (limiter, retry policy and error translation included). */
export type NotionRequest = (
  method: HttpMethod,
  path: string,
  body?: unknown,
  options?: HttpRequestOptions,
) => Promise<unknown>;

const richText = v.array(
  jsonObject({
    plain_text: v.optional(v.string()),
    href: v.nullish(v.string()),
    text: v.optional(
      v.looseObject({ content: v.string(), link: v.nullish(v.looseObject({ url: v.string() })) }),
    ),
  }),
);

const block = v.looseObject({
  id: v.string(),
  type: v.string(),
  in_trash: v.optional(v.boolean()),
  archived: v.optional(v.boolean()),
});

const list = v.looseObject({
  results: v.array(v.unknown()),
  has_more: v.optional(v.boolean()),
  next_cursor: v.nullish(v.string()),
});

function parseBlock(value: unknown, route: string): NotionBlock {
  const parsed = v.safeParse(block, value);
  if (!parsed.success) throw new NotionError('unexpected_response', `${route}: not a block`);
  const data = parsed.output;
  const content = data[data.type];
  const raw =
    content && typeof content === 'object' ? (content as { rich_text?: unknown }).rich_text : undefined;
  const items = v.safeParse(richText, raw ?? []);
  return {
    id: data.id,
    type: data.type,
    in_trash: data.in_trash === true || data.archived === true,
    richText: items.success ? items.output : [],
  };
}

function parseList(value: unknown, route: string): v.InferOutput<typeof list> {
  const parsed = v.safeParse(list, value);
  if (!parsed.success) throw new NotionError('unexpected_response', `${route}: not a list of blocks`);
  return parsed.output;
}

/** Block operations over a Notion client's `request`. */
export function createBlocks(request: NotionRequest, version: NotionVersion): NotionBlocks {
  const path = (id: string) => `/v1/blocks/${encodeURIComponent(id)}`;
  const priority = (r?: RequestOptions) => r?.priority ?? 'normal';
  return {
    async append(parentId, children, req) {
      const route = 'PATCH /v1/blocks/:id/children';
      // Appending twice makes two blocks: an unclear failure must become outcome_unknown, never a retry.
      const answer = await request(
        'PATCH',
        `${path(parentId)}/children`,
        appendBody(version, children, req?.after),
        { idempotent: false, priority: priority(req), beforeSend: req?.beforeSend },
      );
      try {
        return parseList(answer, route).results.map((b) => parseBlock(b, route));
      } catch (cause) {
        throw new NotionError('outcome_unknown', `${route} succeeded but its answer is unreadable`, {
          cause,
        });
      }
    },
    async *children(parentId, req) {
      const route = 'GET /v1/blocks/:id/children';
      let cursor: string | undefined;
      for (;;) {
        const query = new URLSearchParams({ page_size: '100' });
        if (cursor) query.set('start_cursor', cursor);
        const answer = await request('GET', `${path(parentId)}/children?${query}`, undefined, {
          priority: priority(req),
        });
        const page = parseList(answer, route);
        for (const b of page.results) yield parseBlock(b, route);
        if (!page.has_more || !page.next_cursor) return;
        cursor = page.next_cursor;
      }
    },
    async update(blockId, content: BlockInput, req) {
      // The block's whole content is replaced with the same value: repeating it changes nothing.
      const answer = await request(
        'PATCH',
        path(blockId),
        { paragraph: content.paragraph },
        { idempotent: true, priority: priority(req) },
      );
      return parseBlock(answer, 'PATCH /v1/blocks/:id');
    },
    async remove(blockId, req) {
      // Trashing a trashed block leaves it trashed.
      await request('DELETE', path(blockId), undefined, { idempotent: true, priority: priority(req) });
    },
  };
}
