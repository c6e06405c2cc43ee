/** Readers of property values as Notion returns them; a missing property or wrong type reads as empty. */
import type { NotionPage } from './types.js';

function field(page: NotionPage, property: string, type: string): unknown {
  const value = page.properties[property];
  return value && value.type === type ? value[type] : undefined;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function plainText(items: unknown): string {
  if (!Array.isArray(items)) return '';
  return items
    .map((item) => {
      const r = record(item);
      if (typeof r?.['plain_text'] === 'string') return r['plain_text'];
      const content = record(r?.['text'])?.['content'];
      return typeof content === 'string' ? content : '';
    })
    .join('');
}

/** Plain text of a title property ('' when absent). */
export function readTitle(page: NotionPage, property: string): string {
  return plainText(field(page, property, 'title'));
}

/** Plain text of a rich_text property ('' when absent). */
export function readText(page: NotionPage, property: string): string {
  return plainText(field(page, property, 'rich_text'));
}

/** Page ids of a relation property. A page read shows at most 25 of them (Notion's cap; `has_more` tells). */
export function readRelationIds(page: NotionPage, property: string): string[] {
  const items = field(page, property, 'relation');
  if (!Array.isArray(items)) return [];
  return items.map((item) => record(item)?.['id']).filter((id): id is string => typeof id === 'string');
}

/** Checkbox value (false when absent). */
export function readCheckbox(page: NotionPage, property: string): boolean {
  return field(page, property, 'checkbox') === true;
}

/** Selected option name, or null. */
export function readSelect(page: NotionPage, property: string): string | null {
  const name = record(field(page, property, 'select'))?.['name'];
  return typeof name === 'string' ? name : null;
}

/** Selected option names ([] when absent). */
export function readMultiSelect(page: NotionPage, property: string): string[] {
  const items = field(page, property, 'multi_select');
  if (!Array.isArray(items)) return [];
  return items.map((item) => record(item)?.['name']).filter((n): n is string => typeof n === 'string');
}

/** Date value, or null when empty. */
export function readDate(
  page: NotionPage,
  property: string,
): { start: string; end: string | null; timeZone: string | null } | null {
  const value = record(field(page, property, 'date'));
  const start = value?.['start'];
  if (typeof start !== 'string') return null;
  const end = value?.['end'];
  const zone = value?.['time_zone'];
  return {
    start,
    end: typeof end === 'string' ? end : null,
    timeZone: typeof zone === 'string' ? zone : null,
  };
}

/** Email value, or null. */
export function readEmail(page: NotionPage, property: string): string | null {
  const value = field(page, property, 'email');
  return typeof value === 'string' && value !== '' ? value : null;
}

/** URL value, or null. */
export function readUrl(page: NotionPage, property: string): string | null {
  const value = field(page, property, 'url');
  return typeof value === 'string' && value !== '' ? value : null;
}
