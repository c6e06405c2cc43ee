/** The workspace: four databases, their pages, and the lagging query index (a versioned snapshot list per page). */
import { randomUUID } from 'node:crypto';
import { type BlockRecord, toBlocks } from './blocks.js';
import { ARCHIVED_MESSAGE, notFound, validation } from './errors.js';
import type { Row } from './ordering.js';
import { buildProperties, DATABASE_KEYS, type PropertyDef, TITLES } from './schema.js';
import type { DatabaseKey, SandboxOptions } from './types.js';
import { toStored, type WriteContext } from './validate.js';
import { emptyValue, isObject, type Json, normaliseId, type Snapshot } from './values.js';

/** A page as stored, with the versions a lagging query may still see. */
export interface PageRecord extends Snapshot {
  id: string;
  db: DatabaseKey;
  children: BlockRecord[];
  /** Each write appends a version visible to queries `lagMs` later; older invisible ones are pruned. */
  versions: Array<{ visibleAt: number; snap: Snapshot }>;
}

/** A database with its single (reachable) data source. */
export interface Database {
  key: DatabaseKey;
  id: string;
  dataSourceId: string;
  /** Listed by GET /v1/databases/{id} but not reachable (multi-source databases). */
  extraDataSourceIds: string[];
  title: string;
  properties: PropertyDef[];
}

/** Who made a change: the integration (API calls) or a person (the inspection routes). */
export interface Author {
  id: string;
  type: 'bot' | 'person';
}

/** The integration's own user (`GET /v1/users/me`); every /v1 write is authored by it. */
export const BOT: Author = { id: '00000000-0000-4000-8000-00000000b07a', type: 'bot' };
/** The person who edits pages through `/__sandbox/...`. */
export const PERSON: Author = { id: '00000000-0000-4000-8000-000000000001', type: 'person' };

/** A page change, as the webhook emitter hears of it. */
export interface PageChange {
  pageId: string;
  db: DatabaseKey;
  kind: 'created' | 'updated' | 'trashed' | 'restored';
  author: Author;
  /** Ids of the properties the change wrote. */
  propertyIds: string[];
}

/** The sandbox's state; every method is synchronous, so concurrent requests never interleave inside one. */
export class Store {
  readonly databases: Record<DatabaseKey, Database>;
  readonly pages = new Map<string, PageRecord>();
  lagMs = 0;
  /** Told of every page change (the webhook emitter). */
  onChange: ((change: PageChange) => void) | undefined;
  #clock = 0;

  constructor(
    options: Pick<SandboxOptions, 'databases' | 'schema' | 'omitProperties' | 'extraDataSources'> = {},
  ) {
    const make = (key: DatabaseKey): Database => ({
      key,
      id: normaliseId(options.databases?.[key] ?? randomUUID()),
      dataSourceId: randomUUID(),
      extraDataSourceIds: options.extraDataSources?.includes(key) ? [randomUUID()] : [],
      title: TITLES[key],
      properties: buildProperties(key, options.schema, options.omitProperties),
    });
    const [areas, projects, todos, people] = DATABASE_KEYS.map(make) as [
      Database,
      Database,
      Database,
      Database,
    ];
    this.databases = { areas, projects, todos, people };
  }

  /** Strictly increasing ISO timestamps, so created_time orders pages the way they were made. */
  now(): string {
    this.#clock = Math.max(Date.now(), this.#clock + 1);
    return new Date(this.#clock).toISOString();
  }

  /** The database owning a database id or data source id; 404 otherwise. */
  database(id: string, by: 'database' | 'data_source'): Database {
    const wanted = normaliseId(id);
    const db = Object.values(this.databases).find(
      (d) => (by === 'database' ? d.id : d.dataSourceId) === wanted,
    );
    if (!db) throw notFound(by, wanted);
    return db;
  }

  /** The page with this id (trashed included); 404 otherwise. */
  page(id: string): PageRecord {
    const page = this.pages.get(normaliseId(id));
    if (!page) throw notFound('page', normaliseId(id));
    return page;
  }

  /** Validates every value first and only then writes, so a refused request changes nothing. */
  #apply(db: Database, current: Record<string, Json>, properties: unknown): Record<string, Json> {
    if (properties === undefined || properties === null) return current;
    if (!isObject(properties))
      throw validation('body failed validation: body.properties should be an object.');
    const ctx: WriteContext = {
      inDatabase: (pageId, key) => this.pages.get(pageId)?.db === key,
      newOptions: [],
    };
    const next = structuredClone(current);
    for (const [name, value] of Object.entries(properties)) {
      const def = db.properties.find((p) => p.name === name || p.id === name);
      if (!def) throw validation(`${name} is not a property that exists.`);
      next[def.name] = toStored(def, value, ctx);
    }
    for (const { def, option } of ctx.newOptions) def.options.push(option);
    return next;
  }

  #snapshot(page: PageRecord): void {
    const { in_trash, created_time, last_edited_time, properties } = page;
    const now = Date.now();
    page.versions.push({
      visibleAt: now + this.lagMs,
      snap: structuredClone({ in_trash, created_time, last_edited_time, properties }),
    });
    const lastVisible = page.versions.findLastIndex((v) => v.visibleAt <= now);
    if (lastVisible > 0) page.versions.splice(0, lastVisible);
  }

  /** Creates a page with every schema property filled (empty where not given). */
  create(db: Database, properties: unknown, children: unknown, author: Author = BOT): PageRecord {
    const empty = Object.fromEntries(db.properties.map((p) => [p.name, emptyValue(p)]));
    const values = this.#apply(db, empty, properties);
    const id = randomUUID();
    const stamp = this.now();
    const blocks =
      children === undefined
        ? []
        : toBlocks(children, { type: 'page_id', page_id: id }, 'body.children', stamp);
    const page: PageRecord = {
      id,
      db: db.key,
      created_time: stamp,
      last_edited_time: stamp,
      in_trash: false,
      properties: values,
      children: blocks,
      versions: [],
    };
    this.pages.set(id, page);
    this.#snapshot(page);
    this.onChange?.({
      pageId: id,
      db: db.key,
      kind: 'created',
      author,
      propertyIds: this.#ids(db, properties),
    });
    return page;
  }

  #ids(db: Database, properties: unknown): string[] {
    if (!isObject(properties)) return [];
    return Object.keys(properties)
      .map((name) => db.properties.find((p) => p.name === name || p.id === name)?.id)
      .filter((id): id is string => id !== undefined)
      .map((id) => encodeURIComponent(id));
  }

  /** PATCH /v1/pages/{id}: partial properties, `in_trash` (or its alias `archived`). */
  update(id: string, body: Json, author: Author = BOT): PageRecord {
    const page = this.page(id);
    const wasTrashed = page.in_trash;
    const trash = body['in_trash'] ?? body['archived'];
    if (trash !== undefined && typeof trash !== 'boolean')
      throw validation('body failed validation: body.in_trash should be a boolean.');
    if (body['properties'] !== undefined && page.in_trash && trash !== false)
      throw validation(ARCHIVED_MESSAGE);
    page.properties = this.#apply(this.databases[page.db], page.properties, body['properties']);
    if (typeof trash === 'boolean') page.in_trash = trash;
    this.touch(page);
    const kind = page.in_trash === wasTrashed ? 'updated' : page.in_trash ? 'trashed' : 'restored';
    const db = this.databases[page.db];
    this.onChange?.({
      pageId: page.id,
      db: page.db,
      kind,
      author,
      propertyIds: this.#ids(db, body['properties']),
    });
    return page;
  }

  /** Marks a page edited now (a new version for the query index). */
  touch(page: PageRecord): void {
    page.last_edited_time = this.now();
    this.#snapshot(page);
  }

  /** What a query sees now: each page's last visible version, trashed ones left out. */
  visibleRows(db: Database): Row[] {
    const now = Date.now();
    const rows: Row[] = [];
    for (const page of this.pages.values()) {
      if (page.db !== db.key) continue;
      const visible = page.versions.findLast((v) => v.visibleAt <= now);
      if (visible && !visible.snap.in_trash) rows.push({ id: page.id, snap: visible.snap });
    }
    return rows;
  }

  /** Database ids and data source ids by key. */
  ids(): { databases: Record<DatabaseKey, string>; dataSources: Record<DatabaseKey, string> } {
    const pick = (f: (d: Database) => string) =>
      Object.fromEntries(DATABASE_KEYS.map((k) => [k, f(this.databases[k])])) as Record<DatabaseKey, string>;
    return { databases: pick((d) => d.id), dataSources: pick((d) => d.dataSourceId) };
  }
}
