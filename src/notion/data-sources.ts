/**
 * Database → data source resolution, read once per database and shared by concurrent callers.
 * A data source given in the configuration is used without reading its database: its first
 * `GET /v1/data_sources/{id}` (the schema read) both serves the schema and proves it belongs there.
 */
import type { NotionVersion } from '../config/index.js';
import { type ConfiguredSource, checkParent, notFoundNaming } from './configured-sources.js';
import { isNotionError, NotionError } from './errors.js';
import type { NotionHttp } from './http.js';
import { sameNotionId } from './ids.js';
import type { Priority } from './types.js';
import { parseContainer, plainTitle, type WireContainer } from './wire.js';

/** A data source object and the title messages use for it (its database's, when that was read). */
export interface DataSourceRead {
  source: WireContainer;
  title: string;
}

/** Where a query goes, and what must hold before its answer is used. */
export interface QueryTarget {
  path: string;
  /** Resolves once the target is known to be the database's own, rejects if it is not (checked beside the query). */
  checked: Promise<unknown>;
}

export interface DatabaseCatalog {
  /** `GET /v1/databases/{id}`, once per database (a failed read is not cached). */
  database(databaseId: string, priority?: Priority): Promise<WireContainer>;
  /** `GET /v1/data_sources/{dsid}` (2025-09-03 and later), once per database; a configured id is checked first. */
  dataSource(databaseId: string, priority?: Priority): Promise<DataSourceRead>;
  /** The one data source of a database, checked; throws schema_invalid unless there is exactly one. */
  dataSourceId(databaseId: string, priority?: Priority): Promise<string>;
  /** Where rows are queried: `/v1/data_sources/{dsid}/query` (2025-09-03) or `/v1/databases/{id}/query` (2022-06-28). */
  queryTarget(databaseId: string, priority?: Priority): Promise<QueryTarget>;
}

/** One promise per key, shared by concurrent callers; a failure is dropped so the next call tries again. */
export function once<T>(cache: Map<string, Promise<T>>, key: string, make: () => Promise<T>): Promise<T> {
  let pending = cache.get(key);
  if (!pending) {
    pending = make();
    pending.catch(() => cache.delete(key));
    cache.set(key, pending);
  }
  return pending;
}

/** Builds the catalog; `configured` data sources (ignored under 2022-06-28) need no database read. */
export function createDatabaseCatalog(
  http: NotionHttp,
  version: NotionVersion,
  configured: readonly ConfiguredSource[] = [],
): DatabaseCatalog {
  const databases = new Map<string, Promise<WireContainer>>();
  const sources = new Map<string, Promise<DataSourceRead>>();
  const seedOf = (databaseId: string) => configured.find((s) => sameNotionId(s.databaseId, databaseId));

  function database(databaseId: string, priority: Priority = 'normal'): Promise<WireContainer> {
    return once(databases, databaseId, async () => {
      const path = `/v1/databases/${encodeURIComponent(databaseId)}`;
      return parseContainer(await http.request('GET', path, undefined, { priority }), `GET ${path}`);
    });
  }

  async function readSource(dataSourceId: string, priority: Priority): Promise<WireContainer> {
    const path = `/v1/data_sources/${encodeURIComponent(dataSourceId)}`;
    return parseContainer(await http.request('GET', path, undefined, { priority }), `GET ${path}`);
  }

  async function fromDatabase(databaseId: string, priority: Priority): Promise<string> {
    const db = await database(databaseId, priority);
    const found = db.data_sources ?? [];
    const only = found[0];
    if (found.length !== 1 || !only) {
      const name = plainTitle(db.title) || '(untitled)';
      throw new NotionError(
        'schema_invalid',
        `Notion database "${name}" (${databaseId}) has ${found.length} data sources; this sync needs exactly one. ` +
          'Remove the extra data source in Notion (database settings → Manage data sources) or point the variable at a single-source database.',
      );
    }
    return only.id;
  }

  function dataSource(databaseId: string, priority: Priority = 'normal'): Promise<DataSourceRead> {
    return once(sources, databaseId, async () => {
      const seed = seedOf(databaseId);
      if (!seed) {
        const source = await readSource(await fromDatabase(databaseId, priority), priority);
        const db = await database(databaseId, priority);
        return { source, title: plainTitle(db.title) || plainTitle(source.title) };
      }
      let source: WireContainer;
      try {
        source = await readSource(seed.dataSourceId, priority);
      } catch (error) {
        throw isNotionError(error, 'object_not_found') ? notFoundNaming(seed, error) : error;
      }
      checkParent(seed, source);
      return { source, title: plainTitle(source.title) };
    });
  }

  async function dataSourceId(databaseId: string, priority: Priority = 'normal'): Promise<string> {
    const seed = seedOf(databaseId);
    if (!seed) return fromDatabase(databaseId, priority);
    await dataSource(databaseId, priority);
    return seed.dataSourceId;
  }

  async function queryTarget(databaseId: string, priority: Priority = 'normal'): Promise<QueryTarget> {
    const settled = Promise.resolve();
    if (version === '2022-06-28')
      return { path: `/v1/databases/${encodeURIComponent(databaseId)}/query`, checked: settled };
    const seed = seedOf(databaseId);
    const id = seed?.dataSourceId ?? (await fromDatabase(databaseId, priority));
    // A configured source's check runs beside the query rather than before it: a cold look-up
    // waits for neither alone.
    return {
      path: `/v1/data_sources/${encodeURIComponent(id)}/query`,
      checked: seed ? dataSource(databaseId, priority) : settled,
    };
  }

  return { database, dataSource, dataSourceId, queryTarget };
}
