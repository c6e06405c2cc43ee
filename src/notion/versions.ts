/**
 * What differs between the Notion-Version values the product speaks, in one table.
 *
 * - 2022-06-28: a database is one table; its schema is read and changed at /v1/databases/{id}.
 * - 2025-09-03: a database holds data sources; schema at /v1/data_sources/{id}; a new database's
 *   properties go in `initial_data_source`; relations name a `data_source_id`.
 * - 2026-03-11: as 2025-09-03, but `archived` is gone (only `in_trash`) and block append takes
 *   `position` instead of `after`. The product writes only `in_trash`; a comment placed among
 *   others is appended with the version's own form; reads accept either flag (wire.ts).
 */
import type { NotionVersion } from '../config/index.js';

interface VersionTraits {
  /** Schema lives on a data source (GET/PATCH /v1/data_sources/{id}). */
  dataSources: boolean;
  /** Objects still carry the deprecated `archived` alias of `in_trash`. */
  archivedAlias: boolean;
  /** Block append places blocks with `position: {type: 'after_block'}` instead of `after`. */
  blockPosition: boolean;
}

const TRAITS: Record<NotionVersion, VersionTraits> = {
  '2022-06-28': { dataSources: false, archivedAlias: true, blockPosition: false },
  '2025-09-03': { dataSources: true, archivedAlias: true, blockPosition: false },
  '2026-03-11': { dataSources: true, archivedAlias: false, blockPosition: true },
};

/** The traits of one Notion-Version. */
export function versionTraits(version: NotionVersion): VersionTraits {
  return TRAITS[version];
}

/** The append body placing `children` right after the block `after` (at the end without one). */
export function appendBody(version: NotionVersion, children: unknown[], after: string | undefined) {
  if (!after) return { children };
  return TRAITS[version].blockPosition
    ? { children, position: { type: 'after_block', after_block: { id: after } } }
    : { children, after };
}
