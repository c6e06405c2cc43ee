/** Database → data source resolution, read once per database and shared by concurrent callers. */
import type { NotionVersion } from '../config/index.js';
import { NotionError } from './errors.js';
import type { NotionHttp } from './http.js';
import type { Priority } from './types.js';
import { parseContainer, plainTitle, type WireContainer } from './wire.js';

export interface DatabaseCatalog {
  /** `GET /v1/databases/{id}`, once per database (a failed read is not cached). */
  database(databaseId: string, priority?: Priority): Promise<WireContainer>;
  /** The one data source of a database (2025-09-03 only); throws schema_invalid unless there is exactly one. */
  dataSourceId(databaseId: string, priority?: Priority): Promise<string>;
  /** Where rows are queried: `/v1/data_sources/{dsid}/query` (2025-09-03) or `/v1/databases/{id}/query` (2022-06-28). */
  queryPath(databaseId: string, priority?: Priority): Promise<string>;
}

/** Builds the catalog; promises are cached so concurrent first callers share one request. */
export function createDatabaseCatalog(http: NotionHttp, version: NotionVersion): DatabaseCatalog {
  const databases = new Map<string, Promise<WireContainer>>();

  function database(databaseId: string, priority: Priority = 'normal'): Promise<WireContainer> {
    let pending = databases.get(databaseId);
    if (!pending) {
      const path = `/v1/databases/${encodeURIComponent(databaseId)}`;
      pending = http
        .request('GET', path, undefined, { priority })
        .then((body) => parseContainer(body, `GET ${path}`));
      pending.catch(() => databases.delete(databaseId));
      databases.set(databaseId, pending);
    }
    return pending;
  }

  async function dataSourceId(databaseId: string, priority: Priority = 'normal'): Promise<string> {
    const db = await database(databaseId, priority);
    const sources = db.data_sources ?? [];
    const only = sources[0];
    if (sources.length !== 1 || !only) {
      const name = plainTitle(db.title) || '(untitled)';
      throw new NotionError(
        'schema_invalid',
        `Notion database "${name}" (${databaseId}) has ${sources.length} data sources; this sync needs exactly one. ` +
          'Remove the extra data source in Notion (database settings → Manage data sources) or point the variable at a single-source database.',
      );
    }
    return only.id;
  }

  async function queryPath(databaseId: string, priority: Priority = 'normal'): Promise<string> {
    if (version === '2022-06-28') return `/v1/databases/${encodeURIComponent(databaseId)}/query`;
    return `/v1/data_sources/${encodeURIComponent(await dataSourceId(databaseId, priority))}/query`;
  }

  return { database, dataSourceId, queryPath };
}
