/** Database creation and schema updates: POST /v1/databases, PATCH /v1/databases/{id}, PATCH /v1/data_sources/{id}. */
import { randomUUID } from 'node:crypto';
import { ARCHIVED_MESSAGE, bodyInvalid, validation } from './errors.js';
import { applyConfig, type ConfigContext, declaredType } from './property-config.js';
import type { PropertyDef } from './schema.js';
import type { Version } from './shapes.js';
import type { Database, Store } from './store.js';
import { emptyValue, isObject, type Json, plainText } from './values.js';

type Twin = { owner: PropertyDef; target: Database; name?: string };

function titleOf(value: unknown, where: string): string {
  if (!Array.isArray(value)) throw bodyInvalid(where, 'should be an array');
  return plainText({ title: value.map((v: unknown) => (isObject(v) ? { plain_text: textOf(v) } : {})) });
}

function textOf(item: Json): string {
  const text = item['text'];
  if (isObject(text) && typeof text['content'] === 'string') return text['content'];
  return typeof item['plain_text'] === 'string' ? item['plain_text'] : '';
}

/** Adds each dual relation's twin to its target database, named as Notion names it when none is given. */
function addTwins(store: Store, db: Database, twins: Twin[]): void {
  for (const { owner, target, name } of twins) {
    let twinName = name ?? `Related to ${db.title} (${owner.name})`;
    while (target.properties.some((p) => p.name === twinName)) twinName = `${twinName} 1`;
    const twin: PropertyDef = {
      id: store.newPropertyId(),
      name: twinName,
      type: 'relation',
      relation: db.id,
      synced: { name: owner.name, id: owner.id },
      options: [],
    };
    owner.synced = { name: twin.name, id: twin.id };
    target.properties.push(twin);
    store.reshapePages(target, (props) => {
      props[twin.name] ??= emptyValue(twin);
    });
  }
}

/** POST /v1/databases: a new database (one data source) inside a page. */
export function createDatabase(store: Store, version: Version, body: Json): Database {
  const legacy = version === '2022-06-28';
  const parent = body['parent'];
  if (!isObject(parent) || typeof parent['page_id'] !== 'string')
    throw bodyInvalid('body.parent.page_id', 'should be defined, instead was `undefined`');
  const page = store.page(parent['page_id']);
  if (page.in_trash) throw validation(ARCHIVED_MESSAGE);
  if (!legacy && body['properties'] !== undefined)
    throw validation(
      'body failed validation: body.properties is not accepted by this API version; send body.initial_data_source.properties.',
    );
  const source = legacy ? body : body['initial_data_source'];
  if (source !== undefined && !isObject(source))
    throw bodyInvalid('body.initial_data_source', 'should be an object');
  const given = source?.['properties'] ?? { Name: { title: {} } };
  if (!isObject(given)) throw bodyInvalid('body.properties', 'should be an object');
  const stamp = store.now();
  const db: Database = {
    id: randomUUID(),
    dataSourceId: randomUUID(),
    extraDataSourceIds: [],
    title: body['title'] === undefined ? '' : titleOf(body['title'], 'body.title'),
    properties: [],
    parentPageId: page.id,
    created_time: stamp,
    last_edited_time: stamp,
  };
  const ctx: ConfigContext = { store, legacy };
  const twins: Twin[] = [];
  for (const [name, config] of Object.entries(given)) {
    const where = `body.properties.${name}`;
    if (!isObject(config)) throw bodyInvalid(where, 'should be an object');
    const def: PropertyDef = { id: '', name, type: declaredType(config, where), options: [] };
    const twin = applyConfig(def, config, where, ctx);
    def.id = def.type === 'title' ? 'title' : store.newPropertyId();
    if (twin) twins.push({ owner: def, ...twin });
    db.properties.push(def);
  }
  const titles = db.properties.filter((p) => p.type === 'title').length;
  if (titles !== 1)
    throw validation(
      titles === 0
        ? 'Title property is missing: a database needs exactly one property of type title.'
        : 'A database can have only one title property.',
    );
  store.addDatabase(db);
  addTwins(store, db, twins);
  return db;
}

/** The `properties` of a schema update: add, rename, change type or options, or delete (`null`). */
function updateProperties(store: Store, db: Database, given: unknown, legacy: boolean): void {
  if (!isObject(given)) throw bodyInvalid('body.properties', 'should be an object');
  const next = db.properties.map((p) => structuredClone(p));
  const renamed = new Map<string, string>();
  const retyped = new Set<string>();
  const twins: Twin[] = [];
  for (const [key, value] of Object.entries(given)) {
    const where = `body.properties.${key}`;
    const index = next.findIndex((p) => p.name === key || p.id === key);
    const existing = index >= 0 ? next[index] : undefined;
    if (value === null) {
      if (!existing) throw validation(`${key} is not a property that exists.`);
      if (existing.type === 'title') throw validation('The title property of a database cannot be deleted.');
      next.splice(index, 1);
      continue;
    }
    if (!isObject(value)) throw bodyInvalid(where, 'should be an object or `null`');
    const declares = Object.keys(value).some((k) => k !== 'name' && k !== 'description');
    if (!existing && !declares) throw validation(`${key} is not a property that exists.`);
    const def = existing ?? { id: store.newPropertyId(), name: key, type: 'rich_text', options: [] };
    const before = existing ? existing.type : undefined;
    if (declares) {
      const twin = applyConfig(def, value, where, { store, legacy });
      if (twin) twins.push({ owner: def, ...twin });
      if (def.type === 'title' && before !== 'title')
        throw validation('A database can have only one title property.');
      if (before === 'title' && def.type !== 'title')
        throw validation('The title property of a database cannot change type.');
      if (existing && before !== def.type) retyped.add(def.id);
    }
    if (typeof value['name'] === 'string' && value['name'] !== def.name) {
      if (next.some((p) => p !== def && p.name === value['name']))
        throw validation(`A property named ${value['name']} already exists.`);
      renamed.set(def.id, value['name']);
      def.name = value['name'];
    }
    if (!existing) next.push(def);
  }
  const oldNames = new Map(db.properties.map((p) => [p.id, p.name]));
  db.properties = next;
  store.reshapePages(db, (props) => {
    const kept: Record<string, Json> = {};
    for (const def of next) {
      const old = props[oldNames.get(def.id) ?? def.name];
      kept[def.name] = old && !retyped.has(def.id) ? old : emptyValue(def);
    }
    for (const name of Object.keys(props)) delete props[name];
    Object.assign(props, kept);
  });
  addTwins(store, db, twins);
}

/**
 * A schema update. `target` says which route: the data source (2025-09-03 and later) or the
 * database (2022-06-28 changes properties there; later versions only its title).
 */
export function updateDatabase(
  store: Store,
  version: Version,
  db: Database,
  body: Json,
  target: 'database' | 'data_source',
): Database {
  const legacy = version === '2022-06-28';
  if (target === 'database' && !legacy && body['properties'] !== undefined)
    throw validation(
      'body failed validation: properties belong to the data source in this API version; send them to PATCH /v1/data_sources/{id}.',
    );
  if (body['title'] !== undefined) {
    db.title = titleOf(body['title'], 'body.title');
    store.renameChildDatabase(db);
  }
  if (body['properties'] !== undefined) updateProperties(store, db, body['properties'], legacy);
  db.last_edited_time = store.now();
  return db;
}
