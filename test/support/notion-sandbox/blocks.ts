/** Page content blocks: enough of Notion's block API to mirror comments (append, list, update, delete). */
import { randomUUID } from 'node:crypto';
import { ARCHIVED_MESSAGE, bodyInvalid, notFound, validation } from './errors.js';
import { listPage, pageSize } from './ordering.js';
import { type Version, withoutRetiredFields } from './shapes.js';
import type { PageRecord, Store } from './store.js';
import { richTextItems } from './validate.js';
import { isObject, type Json, normaliseId } from './values.js';

/** A stored block: its response JSON and its own children. */
export interface BlockRecord {
  id: string;
  json: Json;
  children: BlockRecord[];
}
type Parent = { type: 'page_id'; page_id: string } | { type: 'block_id'; block_id: string };

const USER = { object: 'user', id: '00000000-0000-4000-8000-000000000001' };
const RESERVED = new Set(['object', 'type', 'children', 'id']);

function content(type: string, value: unknown, where: string): Json {
  if (!isObject(value)) throw bodyInvalid(`${where}.${type}`, 'should be an object');
  const out: Json = { ...value };
  delete out['children'];
  if (value['rich_text'] !== undefined)
    out['rich_text'] = richTextItems(value['rich_text'], `${where}.${type}.rich_text`);
  return out;
}

/** Request blocks (≤ 100, nested at most two levels) → stored blocks. */
export function toBlocks(
  input: unknown,
  parent: Parent,
  where: string,
  stamp: string,
  depth = 0,
): BlockRecord[] {
  if (!Array.isArray(input)) throw bodyInvalid(where, 'should be an array');
  if (input.length > 100)
    throw bodyInvalid(`${where}.length`, `should be ≤ \`100\`, instead was \`${input.length}\``);
  return input.map((raw: unknown, i) => {
    const at = `${where}[${i}]`;
    if (!isObject(raw)) throw bodyInvalid(at, 'should be an object');
    const type =
      typeof raw['type'] === 'string' ? raw['type'] : Object.keys(raw).find((k) => !RESERVED.has(k));
    if (!type || raw[type] === undefined)
      throw bodyInvalid(at, 'should name a block type and give its content');
    const id = randomUUID();
    const inner = isObject(raw[type]) ? raw[type]['children'] : undefined;
    const nested = raw['children'] ?? inner;
    if (nested !== undefined && depth >= 2)
      throw validation(`${at}: blocks can be nested at most two levels deep in one request.`);
    const children =
      nested === undefined
        ? []
        : toBlocks(nested, { type: 'block_id', block_id: id }, `${at}.${type}.children`, stamp, depth + 1);
    const json: Json = {
      object: 'block',
      id,
      parent,
      created_time: stamp,
      last_edited_time: stamp,
      created_by: USER,
      last_edited_by: USER,
      has_children: false,
      archived: false,
      in_trash: false,
      type,
      [type]: content(type, raw[type], at),
    };
    return { id, json, children };
  });
}

/** A block in response shape (2026-03-11 without the `archived` alias). */
export function renderBlock(b: BlockRecord, version?: Version): Json {
  return withoutRetiredFields({ ...b.json, has_children: b.children.length > 0 }, version);
}

function search(
  list: BlockRecord[],
  id: string,
  page: PageRecord,
): { block: BlockRecord; page: PageRecord } | undefined {
  for (const block of list) {
    if (block.id === id) return { block, page };
    const found = search(block.children, id, page);
    if (found) return found;
  }
  return undefined;
}

/** The block with this id and the page it lives on; 404 otherwise. */
export function findBlock(store: Store, id: string): { block: BlockRecord; page: PageRecord } {
  const wanted = normaliseId(id);
  for (const page of store.pages.values()) {
    const found = search(page.children, wanted, page);
    if (found) return found;
  }
  throw notFound('block', wanted);
}

/** The child list of a page or block id, with the page it belongs to. */
function childList(store: Store, id: string): { list: BlockRecord[]; page: PageRecord; parent: Parent } {
  const wanted = normaliseId(id);
  const page = store.pages.get(wanted);
  if (page) return { list: page.children, page, parent: { type: 'page_id', page_id: page.id } };
  const { block, page: owner } = findBlock(store, wanted);
  return { list: block.children, page: owner, parent: { type: 'block_id', block_id: block.id } };
}

/**
 * Where appended blocks go: 2026-03-11 takes `position` (`start`, `end`, or `after_block` with an
 * id) and refuses `after`; older versions take `after` (a block id). Returns an index into `list`.
 */
function insertAt(list: BlockRecord[], body: Json, version: Version): number {
  const indexOf = (id: unknown) => {
    const at = list.findIndex((b) => b.id === normaliseId(String(id)));
    if (at < 0) throw notFound('block', String(id));
    return at + 1;
  };
  if (version === '2026-03-11') {
    if (body['after'] !== undefined)
      throw validation('body failed validation: body.after was replaced by body.position in 2026-03-11.');
    const position = body['position'];
    if (position === undefined) return list.length;
    if (!isObject(position)) throw bodyInvalid('body.position', 'should be an object');
    if (position['type'] === 'start') return 0;
    if (position['type'] === 'end') return list.length;
    const block = position['after_block'];
    if (position['type'] === 'after_block' && isObject(block) && typeof block['id'] === 'string')
      return indexOf(block['id']);
    throw bodyInvalid(
      'body.position.type',
      'should be `start`, `end` or `after_block` (with after_block.id)',
    );
  }
  return typeof body['after'] === 'string' ? indexOf(body['after']) : list.length;
}

/** PATCH /v1/blocks/{id}/children: inserts the new blocks (at the end by default) and returns them. */
export function appendChildren(store: Store, id: string, body: Json, version: Version): Json {
  const { list, page, parent } = childList(store, id);
  if (page.in_trash) throw validation(ARCHIVED_MESSAGE);
  const at = insertAt(list, body, version);
  const added = toBlocks(body['children'], parent, 'body.children', store.now());
  list.splice(at, 0, ...added);
  store.touch(page);
  return {
    object: 'list',
    results: added.map((b) => renderBlock(b, version)),
    next_cursor: null,
    has_more: false,
    type: 'block',
    block: {},
  };
}

/** GET /v1/blocks/{id}/children: live children, paginated by `start_cursor` / `page_size` in the query. */
export function listChildren(store: Store, id: string, query: URLSearchParams, version: Version): Json {
  const live = childList(store, id).list.filter((b) => b.json['in_trash'] !== true);
  const page = listPage(
    live,
    query.get('start_cursor'),
    pageSize(query.get('page_size') ?? undefined, 'page_size'),
  );
  const results = page.results.map((b) => renderBlock(b, version));
  return { object: 'list', ...page, results, type: 'block', block: {} };
}

/** PATCH /v1/blocks/{id}: replaces the content of its type; `in_trash` / `archived` trash or restore it. */
export function updateBlock(store: Store, id: string, body: Json, version: Version): Json {
  const { block, page } = findBlock(store, id);
  const type = String(block.json['type']);
  const trash = body['in_trash'] ?? body['archived'];
  if (trash !== undefined && typeof trash !== 'boolean')
    throw bodyInvalid('body.in_trash', 'should be a boolean');
  const other = Object.keys(body).find(
    (k) => k !== type && k !== 'in_trash' && k !== 'archived' && k !== 'type',
  );
  if (other) throw validation(`body failed validation: block ${block.id} is a ${type} block, not ${other}.`);
  if (body[type] !== undefined) {
    if (block.json['in_trash'] === true && trash !== false) throw validation(ARCHIVED_MESSAGE);
    block.json[type] = { ...(block.json[type] as Json), ...content(type, body[type], 'body') };
  }
  if (typeof trash === 'boolean') Object.assign(block.json, { in_trash: trash, archived: trash });
  block.json['last_edited_time'] = store.now();
  store.touch(page);
  return renderBlock(block, version);
}

/** GET /v1/blocks/{id}. */
export function retrieveBlock(store: Store, id: string, version: Version): Json {
  return renderBlock(findBlock(store, id).block, version);
}
