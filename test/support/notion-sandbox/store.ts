/** The workspace: its databases (four seeded, more created over the API), pages, and the lagging query index. */
import { randomUUID } from 'node:crypto';
import { type BlockRecord, toBlocks } from './blocks.js';
import { ARCHIVED_MESSAGE, notFound, validation } from './errors.js';
import type { Row } from './ordering.js';
import { buildProperties, DATABASE_KEYS, type PropertyDef, TITLES } from './schema.js';
import type { DatabaseKey, SandboxOptions } from './types.js';
import { toStored, type WriteContext } from './validate.js';
import { emptyValue, isObject, type Json, normaliseId, type Snapshot, textItem } from './values.js';

/** A page as stored, with the versions a lagging query may still see. */
export interface PageRecord extends Snapshot {
  id: string;
  /** Id of the database holding the page; null for a page outside any database (a workspace page). */
  db: string | null;
  children: BlockRecord[];
  /** Each write appends a version visible to queries `lagMs` later; older invisible ones are pruned. */
  versions: Array<{ visibleAt: number; snap: Snapshot }>;
}

/** A database with its single (reachable) data source. */
export interface Database {
  /** The PARA role of a database the sandbox started with; databases created over the API have none. */
  key?: DatabaseKey;
  id: string;
  dataSourceId: string;
  /** Listed by GET /v1/databases/{id} but not reachable (multi-source databases). */
  extraDataSourceIds: string[];
  title: string;
  properties: PropertyDef[];
  /** The page a created database lives in; the seeded ones sit at the workspace level. */
  parentPageId?: string;
  created_time: string;
  last_edited_time: string;
}

type StoreOptions = Pick<
  SandboxOptions,
  'databases' | 'schema' | 'omitProperties' | 'extraDataSources' | 'parentPageId'
>;

const SEEDED_AT = '2026-01-01T00:00:00.000Z';

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
  /** The four seeded databases by role. */
  readonly databases: Record<DatabaseKey, Database>;
  /** Every database by id, seeded and created. */
  readonly all = new Map<string, Database>();
  readonly pages = new Map<string, PageRecord>();
  /** An empty workspace page shared with the integration, where new databases can be made. */
  readonly parentPageId: string;
  lagMs = 0;
  /** Told of every page change (the webhook emitter). */
  onChange: ((change: PageChange) => void) | undefined;
  #clock = 0;
  #propertyIds = 0;

  constructor(options: StoreOptions = {}) {
    const ids = Object.fromEntries(
      DATABASE_KEYS.map((k) => [k, normaliseId(options.databases?.[k] ?? randomUUID())]),
    ) as Record<DatabaseKey, string>;
    const make = (key: DatabaseKey): Database => ({
      key,
      id: ids[key],
      dataSourceId: randomUUID(),
      extraDataSourceIds: options.extraDataSources?.includes(key) ? [randomUUID()] : [],
      title: TITLES[key],
      properties: buildProperties(key, (k) => ids[k], options.schema, options.omitProperties),
      created_time: SEEDED_AT,
      last_edited_time: SEEDED_AT,
    });
    const [areas, projects, todos, people] = DATABASE_KEYS.map(make) as [
      Database,
      Database,
      Database,
      Database,
    ];
    this.databases = { areas, projects, todos, people };
    for (const db of DATABASE_KEYS.map((k) => this.databases[k])) this.all.set(db.id, db);
    this.parentPageId = this.addWorkspacePage('Sync workspace', options.parentPageId);
  }

  /** A page outside any database (only a title), shared with the integration. */
  addWorkspacePage(title: string, id: string = randomUUID()): string {
    const stamp = this.now();
    const page: PageRecord = {
      id: normaliseId(id),
      db: null,
      created_time: stamp,
      last_edited_time: stamp,
      in_trash: false,
      properties: { title: { id: 'title', type: 'title', title: [textItem(title)] } },
      children: [],
      versions: [],
    };
    this.pages.set(page.id, page);
    return page.id;
  }

  /** A fresh property id, unique in the sandbox (Notion's are short url-safe strings). */
  newPropertyId(): string {
    this.#propertyIds += 1;
    return `n${this.#propertyIds.toString(36)}`;
  }

  /** Registers a database made over the API and lists it in its parent page as a child_database block. */
  addDatabase(db: Database): void {
    this.all.set(db.id, db);
    if (!db.parentPageId) return;
    const parent = this.page(db.parentPageId);
    const [block] = toBlocks(
      [{ type: 'child_database', child_database: { title: db.title } }],
      { type: 'page_id', page_id: parent.id },
      'body.parent',
      db.created_time,
    );
    if (!block) return;
    // Notion's child_database block carries the database's own id.
    block.id = db.id;
    block.json['id'] = db.id;
    parent.children.push(block);
    this.touch(parent);
  }

  /** Renames a database's child_database block in its parent page after a title change. */
  renameChildDatabase(db: Database): void {
    if (!db.parentPageId) return;
    const block = this.pages.get(db.parentPageId)?.children.find((b) => b.id === db.id);
    if (block) block.json['child_database'] = { title: db.title };
  }

  /** Rewrites the property values of every page of a database (and of its queued versions) after a schema change. */
  reshapePages(db: Database, change: (properties: Record<string, Json>) => void): void {
    for (const page of this.pages.values()) {
      if (page.db !== db.id) continue;
      change(page.properties);
      for (const version of page.versions) change(version.snap.properties);
    }
  }

  /** The database holding a page (undefined for a workspace page). */
  databaseOf(page: PageRecord): Database | undefined {
    return page.db === null ? undefined : this.all.get(page.db);
  }

  /** Strictly increasing ISO timestamps, so created_time orders pages the way they were made. */
  now(): string {
    this.#clock = Math.max(Date.now(), this.#clock + 1);
    return new Date(this.#clock).toISOString();
  }

  /** The database owning a database id or data source id; 404 otherwise. */
  database(id: string, by: 'database' | 'data_source'): Database {
    const wanted = normaliseId(id);
    const db = [...this.all.values()].find((d) => (by === 'database' ? d.id : d.dataSourceId) === wanted);
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
      inDatabase: (pageId, databaseId) => this.pages.get(pageId)?.db === databaseId,
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
      db: db.id,
      created_time: stamp,
      last_edited_time: stamp,
      in_trash: false,
      properties: values,
      children: blocks,
      versions: [],
    };
    this.pages.set(id, page);
    this.#snapshot(page);
    // Webhooks speak of the workspace's own databases; one made over the API has no key and no events.
    if (db.key)
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
    const db = this.databaseOf(page);
    if (!db && body['properties'] !== undefined)
      throw validation('body failed validation: the sandbox edits properties of database pages only.');
    if (db) page.properties = this.#apply(db, page.properties, body['properties']);
    if (typeof trash === 'boolean') page.in_trash = trash;
    this.touch(page);
    const kind = page.in_trash === wasTrashed ? 'updated' : page.in_trash ? 'trashed' : 'restored';
    if (db?.key)
      this.onChange?.({
        pageId: page.id,
        db: db.key,
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
      if (page.db !== db.id) continue;
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
