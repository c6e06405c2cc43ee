import { randomUUID } from 'node:crypto';
import { matches, type Snapshot } from './filters.js';
import { type DbKey, defaultSchema, type PropertyDef, TITLES } from './schema.js';
import { emptyValue, normaliseId, toStored, ValidationError } from './values.js';

type Json = Record<string, unknown>;

/** A Notion-shaped error the server turns into `{object:'error', status, code, message}`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface PageRecord extends Snapshot {
  id: string;
  db: DbKey;
  children: Json[];
  /** What queries see: each version becomes visible `lagMs` after it was written. */
  versions: Array<{ visibleAt: number; snap: Snapshot }>;
}

export interface Database {
  key: DbKey;
  id: string;
  dataSourceId: string;
  properties: PropertyDef[];
}

const clone = <T>(v: T): T => structuredClone(v);

/** The sandbox's workspace: four databases, their pages, and the lagging query index. */
export class Workspace {
  readonly databases: Record<DbKey, Database>;
  readonly pages = new Map<string, PageRecord>();
  lagMs = 0;
  #clock = 0;

  constructor(ids: Partial<Record<DbKey, string>> = {}, omit: Partial<Record<DbKey, string[]>> = {}) {
    const schema = defaultSchema();
    const make = (key: DbKey): Database => ({
      key,
      id: normaliseId(ids[key] ?? randomUUID()),
      dataSourceId: randomUUID(),
      properties: schema[key].filter((p) => !(omit[key] ?? []).includes(p.name)),
    });
    this.databases = {
      areas: make('areas'),
      projects: make('projects'),
      todos: make('todos'),
      people: make('people'),
    };
  }

  /** Strictly increasing timestamps, so created_time orders pages the way they were made. */
  #now(): string {
    this.#clock = Math.max(Date.now(), this.#clock + 1);
    return new Date(this.#clock).toISOString();
  }

  database(id: string, by: 'database' | 'data_source'): Database {
    const wanted = normaliseId(id);
    const db = Object.values(this.databases).find(
      (d) => (by === 'database' ? d.id : d.dataSourceId) === wanted,
    );
    if (!db)
      throw new ApiError(
        404,
        'object_not_found',
        `Could not find ${by} with ID: ${wanted}. Make sure the relevant pages and databases are shared with your integration.`,
      );
    return db;
  }

  page(id: string): PageRecord {
    const page = this.pages.get(normaliseId(id));
    if (!page)
      throw new ApiError(
        404,
        'object_not_found',
        `Could not find page with ID: ${normaliseId(id)}. Make sure the relevant pages and databases are shared with your integration.`,
      );
    return page;
  }

  #write(db: Database, page: Pick<PageRecord, 'properties'>, properties: unknown): void {
    if (properties === undefined) return;
    if (properties === null || typeof properties !== 'object')
      throw new ValidationError('body.properties should be an object.');
    for (const [name, value] of Object.entries(properties as Json)) {
      const def = db.properties.find((p) => p.name === name || p.id === name);
      if (!def) throw new ValidationError(`${name} is not a property that exists.`);
      page.properties[def.name] = toStored(def, value, (id) => this.pages.has(normaliseId(id)));
    }
  }

  #snapshot(page: PageRecord): void {
    const snap: Snapshot = clone({
      in_trash: page.in_trash,
      created_time: page.created_time,
      last_edited_time: page.last_edited_time,
      properties: page.properties,
    });
    page.versions.push({ visibleAt: Date.now() + this.lagMs, snap });
    // Keep only the newest visible version and anything still pending.
    const now = Date.now();
    const lastVisible = page.versions.findLastIndex((v) => v.visibleAt <= now);
    if (lastVisible > 0) page.versions.splice(0, lastVisible);
  }

  create(db: Database, properties: unknown, children: unknown): PageRecord {
    const stamp = this.#now();
    const page: PageRecord = {
      id: randomUUID(),
      db: db.key,
      created_time: stamp,
      last_edited_time: stamp,
      in_trash: false,
      properties: Object.fromEntries(db.properties.map((p) => [p.name, emptyValue(p)])),
      children: Array.isArray(children)
        ? (children as Json[]).map((b) => ({ ...b, id: randomUUID(), object: 'block' }))
        : [],
      versions: [],
    };
    this.#write(db, page, properties);
    if (!db.properties.some((p) => p.type === 'title'))
      throw new ValidationError('The database has no title property.');
    this.pages.set(page.id, page);
    this.#snapshot(page);
    return page;
  }

  update(id: string, body: Json): PageRecord {
    const page = this.page(id);
    const trash = body['in_trash'] ?? body['archived'];
    if (trash !== undefined && typeof trash !== 'boolean')
      throw new ValidationError('body.in_trash should be a boolean.');
    const db = this.databases[page.db];
    if (body['properties'] !== undefined && page.in_trash && trash !== false) {
      throw new ValidationError(
        "Can't edit block that is archived. You must unarchive the block before editing.",
      );
    }
    const draft = { properties: clone(page.properties) };
    this.#write(db, draft, body['properties']);
    page.properties = draft.properties;
    if (typeof trash === 'boolean') page.in_trash = trash;
    page.last_edited_time = this.#now();
    this.#snapshot(page);
    return page;
  }

  /** Pages a query sees now: their last visible version, live, matching the filter. */
  query(db: Database, body: Json): Snapshot[] & { ids?: string[] } {
    const now = Date.now();
    const seen: Array<Snapshot & { id: string }> = [];
    for (const page of this.pages.values()) {
      if (page.db !== db.key) continue;
      const visible = page.versions.findLast((v) => v.visibleAt <= now);
      if (!visible || visible.snap.in_trash) continue;
      if (matches(body['filter'], visible.snap, db.properties)) seen.push({ ...visible.snap, id: page.id });
    }
    const sorts =
      (body['sorts'] as Array<{ timestamp?: string; property?: string; direction?: string }> | undefined) ??
      [];
    const first = sorts[0];
    const key = first?.timestamp === 'last_edited_time' ? 'last_edited_time' : 'created_time';
    const dir = first?.direction === 'descending' ? -1 : 1;
    seen.sort((a, b) => (a[key] < b[key] ? -dir : a[key] > b[key] ? dir : a.id < b.id ? -1 : 1));
    return seen;
  }

  info() {
    const pick = (k: 'id' | 'dataSourceId') =>
      Object.fromEntries(Object.values(this.databases).map((d) => [d.key, d[k]])) as Record<DbKey, string>;
    return { databases: pick('id'), dataSources: pick('dataSourceId') };
  }
}

export { TITLES };
