/** Tolerant schemas for the Notion answers we read; unknown fields are ignored. */
import * as v from 'valibot';
import { describeIssues } from '../validation/issue-text.js';
import { jsonObject, jsonRecord } from '../validation/json-values.js';
import { NotionError } from './errors.js';
import type { NotionPage } from './types.js';

const propertyValue = v.looseObject({ id: v.optional(v.string()), type: v.string() });

const richTextItem = jsonObject({
  plain_text: v.optional(v.string()),
  text: v.optional(v.looseObject({ content: v.string() })),
});

const page = v.looseObject({
  id: v.string(),
  created_time: v.string(),
  last_edited_time: v.string(),
  in_trash: v.optional(v.boolean()),
  archived: v.optional(v.boolean()),
  url: v.optional(v.string()),
  properties: jsonRecord(propertyValue),
});

const list = v.looseObject({
  results: v.array(v.unknown()),
  has_more: v.boolean(),
  next_cursor: v.nullish(v.string()),
  request_status: v.optional(v.looseObject({ type: v.string(), incomplete_reason: v.optional(v.string()) })),
});

const container = v.looseObject({
  id: v.string(),
  title: v.optional(v.array(richTextItem)),
  data_sources: v.optional(v.array(v.looseObject({ id: v.string(), name: v.optional(v.string()) }))),
  // A data source names its database here; a configured data source id is checked against it.
  parent: v.nullish(v.looseObject({ database_id: v.nullish(v.string()) })),
  properties: v.optional(jsonRecord(v.looseObject({ id: v.string(), type: v.string() }))),
});

/** A database (2022-06-28: with properties) or a data source (2025-09-03: properties, no data_sources). */
export type WireContainer = v.InferOutput<typeof container>;
export type WireList = v.InferOutput<typeof list>;

function parse<S extends v.GenericSchema>(schema: S, value: unknown, what: string): v.InferOutput<S> {
  const result = v.safeParse(schema, value);
  if (result.success) return result.output;
  const where = describeIssues(result.issues, { max: 1 });
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
