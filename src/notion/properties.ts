/** Property value builders (request shapes) and readers (response shapes). */
import type { DateInput, PropertyInput } from './types.js';

export {
  readCheckbox,
  readDate,
  readEmail,
  readMultiSelect,
  readRelationIds,
  readSelect,
  readText,
  readTitle,
  readUrl,
} from './property-readers.js';

/** Notion limits per request: characters of one text object, text objects per array, pages per relation. */
export const TEXT_LIMIT = 2000;
export const RICH_TEXT_ITEMS = 100;
export const RELATION_LIMIT = 100;

export type TextItem = { type: 'text'; text: { content: string } };

/**
 * Splits `text` into text objects of ≤ 2000 UTF-16 units without cutting a surrogate pair; at most
 * 100 objects (≈ 200,000 characters), beyond which the rest is dropped because Notion would refuse it.
 */
export function textItems(text: string): TextItem[] {
  const items: TextItem[] = [];
  let i = 0;
  while (i < text.length && items.length < RICH_TEXT_ITEMS) {
    let end = Math.min(i + TEXT_LIMIT, text.length);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end -= 1;
    items.push({ type: 'text', text: { content: text.slice(i, end) } });
    i = end;
  }
  return items;
}

/** Title value. */
export function title(text: string): PropertyInput {
  return { title: textItems(text) };
}

/** rich_text value, split over several text objects beyond 2000 characters; '' clears. */
export function richText(text: string): PropertyInput {
  return { rich_text: textItems(text) };
}

/** Checkbox value. */
export function checkbox(value: boolean): PropertyInput {
  return { checkbox: value };
}

/** Date value: `start` is `YYYY-MM-DD` or an ISO date-time; `timeZone` an IANA name for floating times; null clears. */
export function date(
  value: { start: string; end?: string | null; timeZone?: string | null } | null,
): PropertyInput {
  if (value === null) return { date: null };
  const out: DateInput = { start: value.start };
  if (value.end) out.end = value.end;
  if (value.timeZone) out.time_zone = value.timeZone;
  return { date: out };
}

/** Select value by option name; null clears. */
export function select(name: string | null): PropertyInput {
  return { select: name === null ? null : { name } };
}

/** Multi-select value by option names (duplicates dropped); [] clears. */
export function multiSelect(names: readonly string[]): PropertyInput {
  return { multi_select: [...new Set(names)].map((name) => ({ name })) };
}

/**
 * Relation value (duplicates dropped); [] clears. Notion accepts at most 100 pages per request:
 * more is a programming error here, so it throws rather than silently drop links.
 */
export function relation(pageIds: readonly string[]): PropertyInput {
  const unique = [...new Set(pageIds)];
  if (unique.length > RELATION_LIMIT) {
    throw new RangeError(
      `relation: Notion accepts at most ${RELATION_LIMIT} related pages per request, got ${unique.length}`,
    );
  }
  return { relation: unique.map((id) => ({ id })) };
}

/** URL value; null clears. */
export function url(value: string | null): PropertyInput {
  return { url: value };
}

/** Email value; null clears. */
export function email(value: string | null): PropertyInput {
  return { email: value };
}
