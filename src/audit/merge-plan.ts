/**
 * The merge plan of `cleanup-duplicate-areas`, recomputed from Notion on every run: that is what
 * makes the command resumable (whatever an interrupted run finished no longer shows up).
 */
import type { EnsureOnce } from '../exactly-once/ensure-once.js';
import type { EntityKind } from '../exactly-once/keys.js';
import type { DuplicateGroup, KeyedPage } from './duplicates.js';
import {
  type BlockedLink,
  findRelinks,
  presentHolders,
  type RelationHolder,
  type Relink,
  type RelinkDeps,
} from './relinks.js';
import { scanDuplicates } from './scan.js';

/** A cache entry that points at a page other than the one live page of its name. */
export interface StaleCache {
  key: string;
  cached: string;
  live: string;
}

export interface MergePlan {
  kind: EntityKind;
  /** Live pages of the kind read. */
  scanned: number;
  groups: DuplicateGroup[];
  /** Relation properties searched for links to duplicates. */
  holders: RelationHolder[];
  relinks: Relink[];
  blocked: BlockedLink[];
  /** Cache entries to correct (areas only; empty without a shared store). */
  staleCache: StaleCache[];
}

export interface PlanDeps extends RelinkDeps {
  /** The exactly-once cache; absent when the store is per-process (memory). */
  ensure?: Pick<EnsureOnce, 'peek'> | undefined;
}

/** Duplicate page id → canonical page id, over every group. */
export function remapOf(groups: readonly DuplicateGroup[]): Map<string, string> {
  const remap = new Map<string, string>();
  for (const g of groups) for (const d of g.duplicates) remap.set(d.id, g.canonical.id);
  return remap;
}

/**
 * Cache entries of names with a single live page that point elsewhere (a trashed or renamed
 * page). Checked for areas only: there are few, and an interrupted run may leave one behind.
 */
async function staleEntries(
  deps: PlanDeps,
  kind: EntityKind,
  pages: readonly KeyedPage[],
): Promise<StaleCache[]> {
  if (!deps.ensure || kind !== 'area') return [];
  const byKey = new Map<string, KeyedPage[]>();
  for (const p of pages) byKey.set(p.key, [...(byKey.get(p.key) ?? []), p]);
  const out: StaleCache[] = [];
  for (const [key, members] of byKey) {
    const live = members[0];
    if (members.length !== 1 || !live) continue;
    const cached = await deps.ensure.peek(kind, key);
    if (cached && cached !== live.id) out.push({ key, cached, live: live.id });
  }
  return out;
}

/** Reads the workspace and plans the merge; changes nothing. */
export async function buildPlan(deps: PlanDeps, kind: EntityKind): Promise<MergePlan> {
  const scan = await scanDuplicates(deps, kind, deps.ensure ? { ensure: deps.ensure } : {});
  const holders = scan.groups.length > 0 ? await presentHolders(deps, kind) : [];
  const remap = remapOf(scan.groups);
  const { relinks, blocked } = await findRelinks(deps, holders, remap, remap.keys(), new Set(remap.keys()));
  return {
    kind,
    scanned: scan.scanned,
    groups: scan.groups,
    holders,
    relinks,
    blocked,
    staleCache: await staleEntries(deps, kind, scan.pages),
  };
}

/** Whether running the plan would change anything. */
export function isEmptyPlan(plan: MergePlan): boolean {
  return plan.groups.length === 0 && plan.staleCache.length === 0;
}

/** Links per database that point at one group's duplicates. */
export function linkCounts(plan: MergePlan, group: DuplicateGroup): Record<string, number> {
  const dups = new Set(group.duplicates.map((d) => d.id));
  const counts: Record<string, number> = {};
  for (const h of plan.holders) counts[h.db] = 0;
  for (const link of [...plan.relinks, ...plan.blocked]) {
    const before = 'before' in link ? link.before : link.duplicates;
    if (before.some((id) => dups.has(id))) counts[link.db] = (counts[link.db] ?? 0) + 1;
  }
  return counts;
}
