/**
 * Finding duplicates among pages that should be unique: Areas by normalised name, Projects and
 * Todos by `Todoist ID`. Pure functions; the scan and the cleanup feed them pages.
 */

import { type EntityKind, normaliseName } from '../exactly-once/keys.js';
import { oldestPage } from '../handlers/lookup.js';
import { readText, readTitle } from '../notion/properties.js';
import type { DatabaseKey, NotionPage } from '../notion/types.js';

/** A page as duplicate reports show it. */
export interface PageStamp {
  id: string;
  created_time: string;
}

/** A live page with the identity it must be unique by. */
export interface KeyedPage extends PageStamp {
  key: string;
  /** The page title, as the user wrote it. */
  name: string;
}

/** Several live pages for one identity, and the one that stays. */
export interface DuplicateGroup {
  kind: EntityKind;
  key: string;
  /** The canonical page's title. */
  name: string;
  canonical: PageStamp;
  /** Why that page: the exactly-once cache points at it, or it is the oldest. */
  canonicalBy: 'cache' | 'oldest';
  /** Every other live page of the group, oldest first. */
  duplicates: PageStamp[];
  /** All live pages of the group, oldest first. */
  pages: PageStamp[];
}

/** Which database holds each kind of page. */
export const DATABASE_OF: Readonly<Record<EntityKind, DatabaseKey>> = {
  area: 'areas',
  project: 'projects',
  todo: 'todos',
};

/** The identity a page must be unique by, or undefined when it has none (untitled, no Todoist ID). */
export function identityOf(kind: EntityKind, page: NotionPage): string | undefined {
  const key = kind === 'area' ? normaliseName(readTitle(page, 'Name')) : readText(page, 'Todoist ID').trim();
  return key === '' ? undefined : key;
}

/** Live pages with their identity; trashed pages and pages without one are left out. */
export function keyPages(kind: EntityKind, pages: Iterable<NotionPage>): KeyedPage[] {
  const out: KeyedPage[] = [];
  for (const page of pages) {
    if (page.in_trash || page.archived) continue;
    const key = identityOf(kind, page);
    if (key !== undefined) {
      out.push({ id: page.id, created_time: page.created_time, key, name: readTitle(page, 'Name') });
    }
  }
  return out;
}

const byAge = (a: PageStamp, b: PageStamp): number =>
  a.created_time < b.created_time
    ? -1
    : a.created_time > b.created_time
      ? 1
      : a.id < b.id
        ? -1
        : a.id > b.id
          ? 1
          : 0;

const stamp = (p: PageStamp): PageStamp => ({ id: p.id, created_time: p.created_time });

/** Identities with more than one live page, sorted by key. */
export function duplicateKeys(pages: readonly KeyedPage[]): Map<string, KeyedPage[]> {
  const byKey = new Map<string, KeyedPage[]>();
  for (const page of pages) byKey.set(page.key, [...(byKey.get(page.key) ?? []), page]);
  const out = new Map<string, KeyedPage[]>();
  for (const key of [...byKey.keys()].sort()) {
    const group = byKey.get(key) ?? [];
    if (group.length > 1) out.set(key, [...group].sort(byAge));
  }
  return out;
}

/**
 * Groups pages by identity and picks each group's canonical page: the one the cache points to
 * when it is live and in the group, else the oldest (`created_time`, ties by id), as ensure-once
 * itself adopts the oldest.
 */
export function groupDuplicates(
  kind: EntityKind,
  pages: readonly KeyedPage[],
  cached: ReadonlyMap<string, string> = new Map(),
): DuplicateGroup[] {
  const groups: DuplicateGroup[] = [];
  for (const [key, members] of duplicateKeys(pages)) {
    const pointed = members.find((p) => p.id === cached.get(key));
    const canonical = pointed ?? oldestPage(members);
    if (!canonical) continue;
    groups.push({
      kind,
      key,
      name: canonical.name,
      canonical: stamp(canonical),
      canonicalBy: pointed ? 'cache' : 'oldest',
      duplicates: members.filter((p) => p.id !== canonical.id).map(stamp),
      pages: members.map(stamp),
    });
  }
  return groups;
}
