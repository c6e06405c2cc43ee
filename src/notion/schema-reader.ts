/** Reads a database's properties once per process, under either API version. */
import type { NotionVersion } from '../config/index.js';
import { type DatabaseCatalog, once } from './data-sources.js';
import type { DatabaseSchema, Priority } from './types.js';
import { plainTitle, type WireContainer } from './wire.js';

/** `schema(databaseId)`: 2025-09-03 reads `GET /v1/data_sources/{dsid}` (the catalog's), 2022-06-28 `GET /v1/databases/{id}`. */
export function createSchemaReader(catalog: DatabaseCatalog, version: NotionVersion) {
  const cache = new Map<string, Promise<DatabaseSchema>>();

  async function read(databaseId: string, priority: Priority): Promise<DatabaseSchema> {
    let title: string;
    let source: WireContainer;
    if (version === '2022-06-28') {
      source = await catalog.database(databaseId, priority);
      title = plainTitle(source.title);
    } else {
      ({ source, title } = await catalog.dataSource(databaseId, priority));
    }
    const properties: DatabaseSchema['properties'] = {};
    for (const [name, p] of Object.entries(source.properties ?? {}))
      properties[name] = { id: p.id, type: p.type };
    return { databaseId, title, properties };
  }

  return (databaseId: string, priority: Priority = 'normal'): Promise<DatabaseSchema> =>
    once(cache, databaseId, () => read(databaseId, priority));
}
