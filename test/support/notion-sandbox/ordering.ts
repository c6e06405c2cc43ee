/** Query sorting and cursors: stable order, opaque cursors that survive pages appearing or vanishing. */
import { bodyInvalid, validation } from './errors.js';
import type { PropertyDef } from './schema.js';
import { isObject, plainText, type Snapshot } from './values.js';

/** A page as a query sees it. */
export interface Row {
  id: string;
  snap: Snapshot;
}
type Key = Array<string | number | null>;
interface Keyed extends Row {
  key: Key;
}
type Sorter = { read: (s: Snapshot) => string | number | null; dir: 1 | -1 };

function sortValue(def: PropertyDef, s: Snapshot): string | number | null {
  const value = s.properties[def.name];
  const inner = value?.[def.type];
  switch (def.type) {
    case 'title':
    case 'rich_text':
      return plainText(value) || null;
    case 'checkbox':
      return inner === true ? 1 : 0;
    case 'date':
      return isObject(inner) && typeof inner['start'] === 'string' ? Date.parse(inner['start']) : null;
    case 'select':
      return isObject(inner) && typeof inner['name'] === 'string' ? inner['name'] : null;
    case 'multi_select':
    case 'relation':
      return Array.isArray(inner) && inner.length > 0 ? inner.length : null;
    default:
      return typeof inner === 'string' || typeof inner === 'number' ? inner : null;
  }
}

function sorters(sorts: unknown, schema: PropertyDef[]): Sorter[] {
  if (sorts === undefined || sorts === null) return [];
  if (!Array.isArray(sorts)) throw bodyInvalid('body.sorts', 'should be an array');
  return sorts.map((s: unknown, i): Sorter => {
    const where = `body.sorts[${i}]`;
    if (!isObject(s)) throw bodyInvalid(where, 'should be an object');
    const dir = s['direction'] === 'descending' ? -1 : 1;
    if (s['direction'] !== 'ascending' && s['direction'] !== 'descending')
      throw bodyInvalid(`${where}.direction`, 'should be `ascending` or `descending`');
    const stamp = s['timestamp'];
    if (stamp === 'created_time' || stamp === 'last_edited_time') return { read: (p) => p[stamp], dir };
    const def = schema.find((d) => d.name === s['property'] || d.id === s['property']);
    if (!def) throw validation(`Could not find sort property with name or id: ${String(s['property'])}`);
    return { read: (p) => sortValue(def, p), dir };
  });
}

function compareKeys(a: Key, b: Key, dirs: Array<1 | -1>): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ?? null;
    const y = b[i] ?? null;
    if (x === y) continue;
    // Empty values sort last whichever the direction, as in Notion.
    if (x === null) return 1;
    if (y === null) return -1;
    const d = dirs[i] ?? 1;
    return (x < y ? -1 : 1) * d;
  }
  return 0;
}

function encode(key: Key): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

function decode(cursor: unknown, length: number): Key {
  try {
    const key: unknown = JSON.parse(Buffer.from(String(cursor), 'base64url').toString('utf8'));
    if (Array.isArray(key) && key.length === length) return key as Key;
  } catch {}
  throw bodyInvalid('body.start_cursor', 'should be a cursor returned by this query');
}

/** Validates `page_size` (1..100, default 100). */
export function pageSize(raw: unknown, where = 'body.page_size'): number {
  if (raw === undefined || raw === null) return 100;
  const size = typeof raw === 'string' ? Number(raw) : raw;
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 1 || size > 100)
    throw bodyInvalid(where, `should be an integer between 1 and \`100\`, instead was \`${String(raw)}\``);
  return size;
}

/** Sorts (given sorts, then created_time ascending, then id) and cuts one page after `start_cursor`. */
export function queryPage(
  rows: Row[],
  body: Record<string, unknown>,
  schema: PropertyDef[],
): { results: Row[]; has_more: boolean; next_cursor: string | null } {
  const order = sorters(body['sorts'], schema);
  const dirs = [...order.map((o) => o.dir), 1, 1] as Array<1 | -1>;
  const keyed: Keyed[] = rows.map((r) => ({
    ...r,
    key: [...order.map((o) => o.read(r.snap)), r.snap.created_time, r.id],
  }));
  keyed.sort((a, b) => compareKeys(a.key, b.key, dirs));
  const size = pageSize(body['page_size']);
  const cursor = body['start_cursor'];
  const after = cursor === undefined || cursor === null ? undefined : decode(cursor, dirs.length);
  const rest = after ? keyed.filter((r) => compareKeys(r.key, after, dirs) > 0) : keyed;
  const slice = rest.slice(0, size);
  const last = slice.at(-1);
  const hasMore = rest.length > size && last !== undefined;
  return { results: slice, has_more: hasMore, next_cursor: hasMore && last ? encode(last.key) : null };
}

/** One page of a plain list (blocks, relation items); the cursor is the id of the next item, as in Notion. */
export function listPage<T extends { id: string }>(
  items: T[],
  cursor: string | null | undefined,
  size: number,
): { results: T[]; has_more: boolean; next_cursor: string | null } {
  const start = cursor ? items.findIndex((i) => i.id === cursor) : 0;
  if (start < 0) throw bodyInvalid('start_cursor', 'should be a cursor returned by this list');
  const results = items.slice(start, start + size);
  const next = items[start + size];
  return { results, has_more: next !== undefined, next_cursor: next?.id ?? null };
}
