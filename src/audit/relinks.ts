/**
 * Which pages link to a duplicate, and what their relation must say once it points at the
 * canonical page instead. Other targets of the relation are kept, in order, without repeats.
 */

import type { EntityKind } from '../exactly-once/keys.js';
import { relationContains } from '../notion/filters.js';
import { readRelationIds } from '../notion/properties.js';
import type { DatabaseKey, NotionPage } from '../notion/types.js';
import type { ScanDeps } from './scan.js';

/** A relation property that may point at pages of the kind being merged. */
export interface RelationHolder {
  db: DatabaseKey;
  property: string;
}

/** Every relation that can point at each kind, by default property name. */
export const RELATION_HOLDERS: Readonly<Record<EntityKind, readonly RelationHolder[]>> = {
  area: [
    { db: 'todos', property: 'Area' },
    { db: 'projects', property: 'Area' },
  ],
  project: [{ db: 'todos', property: 'Project' }],
  todo: [{ db: 'todos', property: 'Parent' }],
};

/** One page whose relation must be rewritten. */
export interface Relink {
  pageId: string;
  db: DatabaseKey;
  property: string;
  before: string[];
  after: string[];
}

/** A page that links to a duplicate but cannot be rewritten safely; its duplicates are kept. */
export interface BlockedLink {
  pageId: string;
  db: DatabaseKey;
  property: string;
  reason: string;
  duplicates: string[];
}

/** Reads a whole relation when a page shows only its first 25 targets (`has_more`). */
export type RelationReader = (pageId: string, propertyId: string) => Promise<string[]>;

export interface RelinkDeps extends ScanDeps {
  readRelation?: RelationReader | undefined;
}

/** Notion accepts at most this many related pages in one write. */
export const MAX_RELATION_WRITE = 100;

const linkKey = (pageId: string, property: string) => `${pageId}\u0000${property}`;

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** Holders whose database is configured and has the property as a relation. */
export async function presentHolders(deps: ScanDeps, kind: EntityKind): Promise<RelationHolder[]> {
  const out: RelationHolder[] = [];
  for (const holder of RELATION_HOLDERS[kind]) {
    let databaseId: string;
    try {
      databaseId = deps.databaseId(holder.db);
    } catch {
      continue;
    }
    const schema = await deps.notion.schema(databaseId);
    if (schema.properties[holder.property]?.type === 'relation') out.push(holder);
  }
  return out;
}

/** The rewrite one page's relation needs (undefined when it no longer points at a duplicate). */
export async function relinkOf(
  deps: RelinkDeps,
  holder: RelationHolder,
  page: NotionPage,
  remap: ReadonlyMap<string, string>,
): Promise<Relink | BlockedLink | undefined> {
  const value = page.properties[holder.property];
  let before = readRelationIds(page, holder.property);
  const base = { pageId: page.id, db: holder.db, property: holder.property };
  const duplicates = () => before.filter((id) => remap.has(id));
  if (value?.['has_more'] === true) {
    if (!deps.readRelation || !value.id) {
      return {
        ...base,
        reason: 'relation shows only its first 25 pages and the rest cannot be read',
        duplicates: duplicates(),
      };
    }
    before = await deps.readRelation(page.id, value.id);
  }
  const after = [...new Set(before.map((id) => remap.get(id) ?? id))];
  if (sameList(before, after)) return undefined;
  if (after.length > MAX_RELATION_WRITE) {
    return {
      ...base,
      reason: `relation would keep ${after.length} pages; Notion writes at most 100`,
      duplicates: duplicates(),
    };
  }
  return { ...base, before, after };
}

/**
 * Pages whose relations point at any of `duplicates` (one paginated query per duplicate and
 * holder), with their rewritten relation. Pages in `skip` (already rewritten, or duplicates
 * themselves) are left out.
 */
export async function findRelinks(
  deps: RelinkDeps,
  holders: readonly RelationHolder[],
  remap: ReadonlyMap<string, string>,
  duplicates: Iterable<string>,
  skip: ReadonlySet<string> = new Set(),
): Promise<{ relinks: Relink[]; blocked: BlockedLink[] }> {
  const found = new Map<string, Relink | BlockedLink>();
  for (const dup of duplicates) {
    for (const holder of holders) {
      const filter = relationContains(holder.property, dup);
      for await (const page of deps.notion.queryAll(deps.databaseId(holder.db), { filter, pageSize: 100 })) {
        const key = linkKey(page.id, holder.property);
        if (page.in_trash || page.archived || found.has(key) || skip.has(page.id) || skip.has(key)) continue;
        const link = await relinkOf(deps, holder, page, remap);
        if (link) found.set(key, link);
      }
    }
  }
  const relinks: Relink[] = [];
  const blocked: BlockedLink[] = [];
  for (const link of found.values()) {
    if ('reason' in link) blocked.push(link);
    else relinks.push(link);
  }
  return { relinks, blocked };
}

/** The skip key of a rewritten link. */
export function relinkKey(link: Pick<Relink, 'pageId' | 'property'>): string {
  return linkKey(link.pageId, link.property);
}
