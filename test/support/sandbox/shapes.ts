import type { Snapshot } from './filters.js';
import type { PropertyDef } from './schema.js';
import type { Database, PageRecord, Workspace } from './workspace.js';

type Json = Record<string, unknown>;
export type Version = '2025-09-03' | '2022-06-28';

const USER = { object: 'user', id: '00000000-0000-4000-8000-000000000001' };

function richTitle(text: string): Json[] {
  return [
    { type: 'text', text: { content: text, link: null }, plain_text: text, href: null, annotations: {} },
  ];
}

/** Page responses show at most 25 relation references, as Notion's do. */
function capRelations(properties: Record<string, Json>): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const [name, value] of Object.entries(properties)) {
    const rel = value['relation'] as Json[] | undefined;
    out[name] = rel && rel.length > 25 ? { ...value, relation: rel.slice(0, 25), has_more: true } : value;
  }
  return out;
}

export function pageJson(ws: Workspace, page: PageRecord, version: Version, view: Snapshot = page): Json {
  const db = ws.databases[page.db];
  const parent =
    version === '2025-09-03'
      ? { type: 'data_source_id', data_source_id: db.dataSourceId, database_id: db.id }
      : { type: 'database_id', database_id: db.id };
  return {
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
    properties: capRelations(view.properties),
    url: `https://www.notion.so/${page.id.replace(/-/g, '')}`,
    public_url: null,
  };
}

function propertyJson(ws: Workspace, def: PropertyDef): Json {
  let config: Json = {};
  if (def.type === 'select' || def.type === 'multi_select') config = { options: def.options ?? [] };
  if (def.type === 'relation' && def.relation) {
    const target = ws.databases[def.relation];
    config = {
      database_id: target.id,
      data_source_id: target.dataSourceId,
      type: 'single_property',
      single_property: {},
    };
  }
  return { id: def.id, name: def.name, type: def.type, [def.type]: config };
}

export function propertiesJson(ws: Workspace, db: Database): Json {
  return Object.fromEntries(db.properties.map((p) => [p.name, propertyJson(ws, p)]));
}

export function databaseJson(ws: Workspace, db: Database, version: Version, title: string): Json {
  const base = {
    object: 'database',
    id: db.id,
    title: richTitle(title),
    description: [],
    parent: { type: 'workspace', workspace: true },
    is_inline: false,
    in_trash: false,
    archived: false,
    created_time: '2026-01-01T00:00:00.000Z',
    last_edited_time: '2026-01-01T00:00:00.000Z',
  };
  return version === '2025-09-03'
    ? { ...base, data_sources: [{ id: db.dataSourceId, name: title }] }
    : { ...base, properties: propertiesJson(ws, db) };
}

export function dataSourceJson(ws: Workspace, db: Database, title: string): Json {
  return {
    object: 'data_source',
    id: db.dataSourceId,
    title: richTitle(title),
    parent: { type: 'database_id', database_id: db.id },
    database_parent: { type: 'workspace', workspace: true },
    properties: propertiesJson(ws, db),
    in_trash: false,
    archived: false,
  };
}
