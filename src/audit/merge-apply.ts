/**
 * Executes a merge plan in the only safe order: re-point every link, check nothing still points
 * at a duplicate, trash the duplicates, then point the cache at the canonical page. Interrupted
 * anywhere, no link is lost (duplicates are trashed only after their links moved) and the next
 * run's fresh plan finishes the job.
 */
import { errorMessage } from '../errors.js';
import type { EnsureOnce } from '../exactly-once/ensure-once.js';
import { isPageGone } from '../notion/errors.js';
import { relation } from '../notion/properties.js';
import { type MergePlan, type PlanDeps, remapOf } from './merge-plan.js';
import { findRelinks, type Relink, relinkKey, relinkOf } from './relinks.js';

export interface ApplyDeps extends PlanDeps {
  ensure?: Pick<EnsureOnce, 'peek' | 'point'> | undefined;
}

export interface ApplyOptions {
  /** Notion writes in flight at once (the shared limiter still paces them). */
  concurrency?: number;
  /** Called after every write; `total` grows if the check finds more links. */
  onProgress?: (done: number, total: number) => void;
}

export interface ApplyFailure {
  pageId: string;
  action: 'relink' | 'trash' | 'cache' | 'check';
  error: string;
}

export interface ApplyResult {
  relinked: number;
  trashed: number;
  cachePointed: number;
  /** Duplicates left live because one of their links could not be moved. */
  kept: string[];
  failures: ApplyFailure[];
}

/** How many rounds of "find links again, move them" before giving up on a duplicate. */
const CHECK_ROUNDS = 3;

async function pool<T>(
  items: readonly T[],
  concurrency: number,
  run: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await run(item);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
}

/** Runs the plan; never throws for one page's failure (reported in the result instead). */
export async function applyPlan(
  deps: ApplyDeps,
  plan: MergePlan,
  options: ApplyOptions = {},
): Promise<ApplyResult> {
  const concurrency = options.concurrency ?? 3;
  const remap = remapOf(plan.groups);
  const result: ApplyResult = { relinked: 0, trashed: 0, cachePointed: 0, kept: [], failures: [] };
  const blocked = new Set(plan.blocked.flatMap((b) => b.duplicates));
  const done = new Set<string>([...remap.keys()]);
  let total = plan.relinks.length + remap.size + plan.groups.length + plan.staleCache.length;
  let progress = 0;
  const tick = () => options.onProgress?.(++progress, total);

  const relink = async (link: Relink) => {
    try {
      // Re-read just before writing: a relation write replaces the whole list, and the plan may be
      // minutes old, so a change made meanwhile (by the sync or a person) must not be overwritten.
      const page = await deps.notion.retrievePage(link.pageId);
      const fresh = page.in_trash || page.archived ? undefined : await relinkOf(deps, link, page, remap);
      if (fresh && 'reason' in fresh) throw new Error(fresh.reason);
      if (fresh) {
        await deps.notion.updatePage(link.pageId, { properties: { [link.property]: relation(fresh.after) } });
        result.relinked += 1;
      }
      done.add(relinkKey(link));
    } catch (error) {
      for (const id of link.before) if (remap.has(id)) blocked.add(id);
      result.failures.push({ pageId: link.pageId, action: 'relink', error: errorMessage(error) });
    }
    tick();
  };
  await pool(plan.relinks, concurrency, relink);

  // Links made after the plan was read (or hidden by the query index) are moved before any trash.
  let settled = false;
  for (let round = 0; round < CHECK_ROUNDS && !settled; round++) {
    const pending = [...remap.keys()].filter((id) => !blocked.has(id));
    try {
      const more = await findRelinks(deps, plan.holders, remap, pending, done);
      for (const b of more.blocked) for (const id of b.duplicates) blocked.add(id);
      settled = more.relinks.length === 0;
      total += more.relinks.length;
      await pool(more.relinks, concurrency, relink);
    } catch (error) {
      for (const id of pending) blocked.add(id);
      result.failures.push({ pageId: '', action: 'check', error: errorMessage(error) });
      settled = true;
    }
  }
  if (!settled) for (const id of remap.keys()) blocked.add(id);

  const complete = new Set<string>();
  for (const group of plan.groups) {
    const trashable = group.duplicates.filter((d) => !blocked.has(d.id));
    result.kept.push(...group.duplicates.filter((d) => blocked.has(d.id)).map((d) => d.id));
    let ok = trashable.length === group.duplicates.length;
    await pool(trashable, concurrency, async (dup) => {
      try {
        await deps.notion.updatePage(dup.id, { inTrash: true });
        result.trashed += 1;
      } catch (error) {
        if (!isPageGone(error)) {
          ok = false;
          result.failures.push({ pageId: dup.id, action: 'trash', error: errorMessage(error) });
        }
      }
      tick();
    });
    if (ok) complete.add(group.key);
  }

  const pointers = [
    ...plan.groups.filter((g) => complete.has(g.key)).map((g) => ({ key: g.key, pageId: g.canonical.id })),
    ...plan.staleCache.map((s) => ({ key: s.key, pageId: s.live })),
  ];
  for (const { key, pageId } of pointers) {
    if (deps.ensure) {
      try {
        if ((await deps.ensure.peek(plan.kind, key)) !== pageId) {
          await deps.ensure.point(plan.kind, key, pageId);
          result.cachePointed += 1;
        }
      } catch (error) {
        result.failures.push({ pageId, action: 'cache', error: errorMessage(error) });
      }
    }
    tick();
  }
  return result;
}
