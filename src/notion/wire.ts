/** Tolerant zod schemas for the Notion answers we read; unknown fields are ignored. */
import { z } from 'zod';
import { NotionError } from './errors.js';
import type { NotionPage } from './types.js';

const propertyValue = z.looseObject({ id: z.string().optional(), type: z.string() });

const richTextItem = z.looseObject({
  plain_text: z.string().optional(),
  text: z.looseObject({ content: z.string() }).optional(),
});

const page = z.looseObject({
  id: z.string(),
  created_time: z.string(),
  last_edited_time: z.string(),
  in_trash: z.boolean().optional(),
  archived: z.boolean().optional(),
  url: z.string().optional(),
  properties: z.record(z.string(), propertyValue),
});

const list = z.looseObject({
  results: z.array(z.unknown()),
  has_more: z.boolean(),
  next_cursor: z.string().nullable().optional(),
  request_status: z.looseObject({ type: z.string(), incomplete_reason: z.string().optional() }).optional(),
});

const container = z.looseObject({
  id: z.string(),
  title: z.array(richTextItem).optional(),
  data_sources: z.array(z.looseObject({ id: z.string(), name: z.string().optional() })).optional(),
  properties: z.record(z.string(), z.looseObject({ id: z.string(), type: z.string() })).optional(),
});

/** A database (2022-06-28: with properties) or a data source (2025-09-03: properties, no data_sources). */
export type WireContainer = z.infer<typeof container>;
export type WireList = z.infer<typeof list>;

function parse<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'unknown shape';
  throw new NotionError('unexpected_response', `${what}: the answer does not look like Notion's (${where})`);
}

/** A page object, trash flag normalised (`archived` is the older name of `in_trash`). */
export function parsePage(value: unknown, what: string): NotionPage {
  const p = parse(page, value, what);
  const out: NotionPage = {
    id: p.id,
    created_time: p.created_time,
    last_edited_time: p.last_edited_time,
    in_trash: p.in_trash ?? p.archived ?? false,
    properties: p.properties,
  };
  if (p.archived !== undefined) out.archived = p.archived;
  if (p.url !== undefined) out.url = p.url;
  return out;
}

/** A list answer; only `page` results are kept (2025-09-03 may list data sources too). */
export function parsePageList(value: unknown, what: string): { list: WireList; pages: NotionPage[] } {
  const l = parse(list, value, what);
  const pages = l.results
    .filter(
      (r) =>
        (r as { object?: unknown } | null)?.object === undefined ||
        (r as { object?: unknown }).object === 'page',
    )
    .map((r) => parsePage(r, what));
  return { list: l, pages };
}

/** A database or data source object. */
export function parseContainer(value: unknown, what: string): WireContainer {
  return parse(container, value, what);
}

/** Plain text of a title array. */
export function plainTitle(items: WireContainer['title']): string {
  return (items ?? []).map((i) => i.plain_text ?? i.text?.content ?? '').join('');
}
