/** Response JSON of pages, databases and data sources as each API version shows them. */
import type { PropertyDef } from './schema.js';
import type { Database, PageRecord, Store } from './store.js';
import { type Json, type Snapshot, textItem } from './values.js';

/** API versions the sandbox speaks; 2026-03-11 behaves as 2025-09-03 minus the `archived` alias. */
export type Version = '2022-06-28' | '2025-09-03' | '2026-03-11';

const USER = { object: 'user', id: '00000000-0000-4000-8000-000000000001' };

/** Page answers show at most 25 relation references (`has_more: true` beyond), as Notion's do. */
function capRelations(properties: Record<string, Json>): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const [name, value] of Object.entries(properties)) {
    const rel = value['relation'];
    out[name] =
      Array.isArray(rel) && rel.length > 25
        ? { ...value, relation: rel.slice(0, 25), has_more: true }
        : value;
  }
  return out;
}

/** A page object; `view` is the version a lagging query sees (retrieve passes the current page). */
export function pageJson(store: Store, page: PageRecord, version: Version, view: Snapshot = page): Json {
  const db = store.databaseOf(page);
  const parent = !db
    ? { type: 'workspace', workspace: true }
    : version === '2022-06-28'
      ? { type: 'database_id', database_id: db.id }
      : { type: 'data_source_id', data_source_id: db.dataSourceId, database_id: db.id };
  const json: Json = {
    object: 'page',
    id: page.id,
    created_time: view.created_time,
    last_edited_time: view.last_edited_time,
    created_by: USER,
    last_edited_by: USER,
    cover: null,
    icon: null,
    parent,
    archived: view.in_trash,
    in_trash: view.in_trash,
    is_locked: false,
    properties: capRelations(structuredClone(view.properties)),
    url: `https://www.notion.so/${page.id.replace(/-/g, '')}`,
    public_url: null,
  };
  return withoutRetiredFields(json, version);
}

/** 2026-03-11 dropped the `archived` alias of `in_trash` from every object. */
export function withoutRetiredFields(json: Json, version: Version | undefined): Json {
  if (version === '2026-03-11') delete json['archived'];
  return json;
}

function parentJson(db: Database): Json {
  return db.parentPageId
    ? { type: 'page_id', page_id: db.parentPageId }
    : { type: 'workspace', workspace: true };
}

function propertyJson(store: Store, def: PropertyDef): Json {
  let config: Json = {};
  if (def.type === 'select' || def.type === 'multi_select')
    config = { options: structuredClone(def.options) };
  if (def.type === 'number') config = { format: def.format ?? 'number' };
  const target = def.relation === undefined ? undefined : store.all.get(def.relation);
  if (def.type === 'relation' && target) {
    config = {
      database_id: target.id,
      data_source_id: target.dataSourceId,
      ...(def.synced
        ? {
            type: 'dual_property',
            dual_property: { synced_property_name: def.synced.name, synced_property_id: def.synced.id },
          }
        : { type: 'single_property', single_property: {} }),
    };
  }
  return { id: def.id, name: def.name, type: def.type, description: null, [def.type]: config };
}

function propertiesJson(store: Store, db: Database): Json {
  return Object.fromEntries(db.properties.map((p) => [p.name, propertyJson(store, p)]));
}

/** GET /v1/databases/{id}: data_sources under 2025-09-03+, properties under 2022-06-28. */
export function databaseJson(store: Store, db: Database, version: Version): Json {
  const base = {
    object: 'database',
    id: db.id,
    title: [textItem(db.title)],
    description: [],
    parent: parentJson(db),
    is_inline: false,
    in_trash: false,
    archived: false,
    is_locked: false,
    created_time: db.created_time,
    last_edited_time: db.last_edited_time,
    created_by: USER,
    last_edited_by: USER,
    icon: null,
    cover: null,
    url: `https://www.notion.so/${db.id.replace(/-/g, '')}`,
    public_url: null,
  };
  if (version === '2022-06-28') return { ...base, properties: propertiesJson(store, db) };
  const sources = [db.dataSourceId, ...db.extraDataSourceIds].map((id, i) => ({
    id,
    name: i === 0 ? db.title : `${db.title} ${i + 1}`,
  }));
  return withoutRetiredFields({ ...base, data_sources: sources }, version);
}

/** GET /v1/data_sources/{id}. */
export function dataSourceJson(store: Store, db: Database, version: Version): Json {
  return withoutRetiredFields(
    {
      object: 'data_source',
      id: db.dataSourceId,
      title: [textItem(db.title)],
      description: [],
      parent: { type: 'database_id', database_id: db.id },
      database_parent: parentJson(db),
      properties: propertiesJson(store, db),
      in_trash: false,
      archived: false,
      created_time: db.created_time,
      last_edited_time: db.last_edited_time,
      created_by: USER,
      last_edited_by: USER,
      icon: null,
      cover: null,
      url: `https://www.notion.so/${db.dataSourceId.replace(/-/g, '')}`,
      public_url: null,
    },
    version,
  );
}
