/** Query filter builders; Notion nests compound filters at most two levels deep. */
import type { Filter } from './types.js';

/** Title property contains `value` (case-insensitive on Notion's side). */
export function titleContains(property: string, value: string): Filter {
  return { property, title: { contains: value } };
}

/** Title property equals `value` (exact, case-sensitive on Notion's side). */
export function titleEquals(property: string, value: string): Filter {
  return { property, title: { equals: value } };
}

/** rich_text property equals `value`; how pages are looked up by `Todoist ID`. */
export function textEquals(property: string, value: string): Filter {
  return { property, rich_text: { equals: value } };
}

/** Relation property contains the page `pageId`. */
export function relationContains(property: string, pageId: string): Filter {
  return { property, relation: { contains: pageId } };
}

/** Property of `type` is empty. */
export function isEmpty(property: string, type: 'rich_text' | 'relation'): Filter {
  return type === 'rich_text'
    ? { property, rich_text: { is_empty: true } }
    : { property, relation: { is_empty: true } };
}

/** All of `filters`; a single filter is returned as is. */
export function and(...filters: Filter[]): Filter {
  return filters.length === 1 && filters[0] ? filters[0] : { and: filters };
}

/** Any of `filters`; a single filter is returned as is. */
export function or(...filters: Filter[]): Filter {
  return filters.length === 1 && filters[0] ? filters[0] : { or: filters };
}
