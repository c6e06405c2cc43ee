import { type EntityDoc, markApplied, readEntity } from '../exactly-once/entity-state.js';
import type { EntityKind } from '../exactly-once/keys.js';
import { isPageGone } from '../notion/errors.js';
import type { DatabaseKey, PropertyInput } from '../notion/types.js';
import type { Stored } from '../state/store.js';
import { markWritten, type TwoWayWrite, writeChangedProperties } from './apply-two-way.js';
import type { SyncContext } from './context.js';
import { writeProperties } from './page-write.js';

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
  const twoWay = ctx.config.twoWay.direction === 'two-way' && target.kind === 'todo';
  for (let round = 0; round < 10; round++) {
    const state = current.data;
    let written: TwoWayWrite | undefined;
    if (state.deleted) {
      pageId ??= await ctx.ensure.find(target.kind, target.key, target.lookup);
      if (pageId) await trash(pageId);
    } else {
      const properties = JSON.parse(state.desired ?? '{}') as Record<string, PropertyInput>;
      let fresh = false;
      if (!pageId) {
        const result = await ctx.ensure.ensure(target.kind, target.key, {
          lookup: target.lookup,
          create: async () => {
            ctx.brake?.check(target.kind);
            const db = ctx.databaseId(target.db);
            return (await writeProperties(ctx, target, properties, (p) => ctx.notion.createPage(db, p))).id;
          },
          discard: trash,
        });
        pageId = result.pageId;
        fresh = result.created;
      }
      if (!fresh) {
        try {
          const id = pageId;
          const write = (p: Record<string, PropertyInput>) =>
            writeProperties(ctx, target, p, (q) => ctx.notion.updatePage(id, { properties: q }));
          if (twoWay) written = await writeChangedProperties(ctx, id, state, write);
          else await write(properties);
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
    const marked = written
      ? await markWritten(ctx, target.kind, target.key, current, written)
      : await markApplied(ctx.store, target.kind, target.key, current);
    if (marked) return 'applied';
    const next = await readEntity(ctx.store, target.kind, target.key);
    if (!next) return 'applied';
    current = next;
  }
  throw new Error(`entity ${target.kind} did not settle after 10 rounds of concurrent changes`);
}
