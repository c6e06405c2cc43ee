import { isPageGone } from '../notion/errors.js';
import type { DatabaseKey, PropertyInput } from '../notion/types.js';
import type { Stored } from '../state/store.js';
import type { SyncContext } from './context.js';
import { type EntityDoc, markApplied, readEntity } from './entity-state.js';
import type { EntityKind } from './keys.js';

export interface PageTarget {
  kind: EntityKind;
  /** The Todoist id. */
  key: string;
  db: DatabaseKey;
  /** Finds the live page for this entity in Notion (index may lag). */
  lookup(): Promise<string | undefined>;
}

export type ApplyOutcome = 'unchanged' | 'applied';

/**
 * Makes Notion show the newest committed state of one entity, exactly once per entity page.
 * After writing, it records the state as applied only if no newer state was committed meanwhile;
 * otherwise it applies that newer state to the same page, so the last write is always the newest.
 */
export async function applyEntity(
  ctx: SyncContext,
  target: PageTarget,
  committed: Stored<EntityDoc>,
): Promise<ApplyOutcome> {
  if (committed.data.appliedHash === committed.data.desiredHash) return 'unchanged';
  const trash = async (pageId: string) => {
    await ctx.notion.updatePage(pageId, { inTrash: true }).catch((error: unknown) => {
      if (!isPageGone(error)) throw error;
    });
  };
  let current = committed;
  let pageId: string | undefined;
  let revived = false;
  for (let round = 0; round < 10; round++) {
    const state = current.data;
    if (state.deleted) {
      pageId ??= await ctx.ensure.find(target.kind, target.key, target.lookup);
      if (pageId) await trash(pageId);
    } else {
      const properties = JSON.parse(state.desired ?? '{}') as Record<string, PropertyInput>;
      let fresh = false;
      if (!pageId) {
        const result = await ctx.ensure.ensure(target.kind, target.key, {
          lookup: target.lookup,
          create: async (admit) => {
            ctx.brake?.check(target.kind);
            return (await ctx.notion.createPage(ctx.databaseId(target.db), properties, { beforeSend: admit }))
              .id;
          },
          discard: trash,
        });
        pageId = result.pageId;
        fresh = result.created;
      }
      if (!fresh) {
        try {
          await ctx.notion.updatePage(pageId, { properties });
        } catch (error) {
          if (!isPageGone(error) || revived) throw error;
          // Trashed or deleted by hand in Notion: forget it and give the entity a live page again, once.
          ctx.logger.info('cached page is gone; ensuring a new one', { kind: target.kind, pageId });
          await ctx.ensure.invalidate(target.kind, target.key, pageId);
          pageId = undefined;
          revived = true;
          continue;
        }
      }
    }
    if (await markApplied(ctx.store, target.kind, target.key, current)) return 'applied';
    const next = await readEntity(ctx.store, target.kind, target.key);
    if (!next) return 'applied';
    current = next;
  }
  throw new Error(`entity ${target.kind} did not settle after 10 rounds of concurrent changes`);
}
