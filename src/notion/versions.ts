/**
 * What differs between the Notion-Version values the product speaks, in one table.
 *
 * - 2022-06-28: a database is one table; its schema is read and changed at /v1/databases/{id}.
 * - 2025-09-03: a database holds data sources; schema at /v1/data_sources/{id}; a new database's
 *   properties go in `initial_data_source`; relations name a `data_source_id`.
 * - 2026-03-11: as 2025-09-03, but `archived` is gone (only `in_trash`) and block append takes
 *   `position` instead of `after`. The product writes only `in_trash` and appends at the end, so it
 *   needs nothing else for it; reads accept either flag (wire.ts).
 */
import type { NotionVersion } from '../config/index.js';

interface VersionTraits {
  /** Schema lives on a data source (GET/PATCH /v1/data_sources/{id}). */
  dataSources: boolean;
  /** Objects still carry the deprecated `archived` alias of `in_trash`. */
  archivedAlias: boolean;
}

const TRAITS: Record<NotionVersion, VersionTraits> = {
  '2022-06-28': { dataSources: false, archivedAlias: true },
  '2025-09-03': { dataSources: true, archivedAlias: true },
  '2026-03-11': { dataSources: true, archivedAlias: false },
};

/** The traits of one Notion-Version. */
export function versionTraits(version: NotionVersion): VersionTraits {
  return TRAITS[version];
}
