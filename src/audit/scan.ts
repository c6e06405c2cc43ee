import type { EnsureOnce } from '../exactly-once/ensure-once.js';
import type { EntityKind } from '../exactly-once/keys.js';
import type { DatabaseKey, NotionApi, RequestOptions } from '../notion/types.js';
import { DATABASE_OF, type DuplicateGroup, groupDuplicates, type KeyedPage, keyPages } from './duplicates.js';

/** What reading a workspace for duplicates needs. */
export interface ScanDeps {
  notion: NotionApi;
  databaseId(db: DatabaseKey): string;
}

export interface Scan {
  kind: EntityKind;
  /** Live pages read. */
  scanned: number;
  groups: DuplicateGroup[];
}

/** Every live page of a kind's database with its identity (all query pages, 100 at a time). */
export async function scanPages(
  deps: ScanDeps,
  kind: EntityKind,
  request?: RequestOptions,
): Promise<KeyedPage[]> {
  const pages = [];
  for await (const page of deps.notion.queryAll(
    deps.databaseId(DATABASE_OF[kind]),
    { pageSize: 100 },
    request,
  )) {
    pages.push(page);
  }
  return keyPages(kind, pages);
}

/** Where the exactly-once cache points for each key (keys it knows nothing about are left out). */
export async function cachedPointers(
  ensure: Pick<EnsureOnce, 'peek'> | undefined,
  kind: EntityKind,
  keys: Iterable<string>,
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (!ensure) return out;
  for (const key of keys) {
    const pageId = await ensure.peek(kind, key);
    if (pageId) out.set(key, pageId);
  }
  return out;
}

/**
 * Reads a kind's pages and groups the duplicates. With `ensure`, the cache picks each group's
 * canonical page (one store read per duplicate group only).
 */
export async function scanDuplicates(
  deps: ScanDeps,
  kind: EntityKind,
  options: { ensure?: Pick<EnsureOnce, 'peek'>; request?: RequestOptions } = {},
): Promise<Scan & { pages: KeyedPage[] }> {
  const pages = await scanPages(deps, kind, options.request);
  const first = groupDuplicates(kind, pages);
  const cached = await cachedPointers(
    options.ensure,
    kind,
    first.map((g) => g.key),
  );
  return { kind, scanned: pages.length, groups: groupDuplicates(kind, pages, cached), pages };
}
