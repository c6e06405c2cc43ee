import type { ClaimDoc } from '../exactly-once/claim-doc.js';
import { type EntityDoc, markApplied, readEntity, TOMBSTONE_HASH } from '../exactly-once/entity-state.js';
import type { EntityKind } from '../exactly-once/keys.js';
import { isPageGone } from '../notion/errors.js';
import type { DatabaseKey, PropertyInput } from '../notion/types.js';
import type { Stored } from '../state/store.js';
import { AGAIN, retryOnWriteRace } from '../state/write-race.js';
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
  /**
   * Work every apply of this entity owes once its page is live, done before the state is marked
   * shown (a task links the children waiting for it): whoever marks the state, the work is done.
   */
  beforeMark?: () => Promise<unknown>;
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
  options: {
    /** The event is the entity's birth (`item:added`): a claim never seen before needs no look-up. */
    born?: boolean;
    /**
     * Work the event owes once the page is live, done before the state is marked shown: a shown
     * state then means it was done, and a redelivery that finds the state shown can skip at once.
     * Defaults to the target's own.
     */
    beforeMark?: () => Promise<unknown>;
    /** The entity's claim, read beside the commit of its state (see EnsureOps.claim); used once. */
    claim?: Promise<Stored<ClaimDoc> | undefined>;
  } = {},
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
  // A newer state committed meanwhile, or a page replaced: another round, under the one bound.
  return retryOnWriteRace<ApplyOutcome>(
    `entity ${target.kind} ${target.key}: making Notion show its newest state`,
    async () => {
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
            create: async (admit) => {
              ctx.brake?.check(target.kind);
              const db = ctx.databaseId(target.db);
              const write = (p: Record<string, PropertyInput>) =>
                ctx.notion.createPage(db, p, { beforeSend: admit });
              return (await writeProperties(ctx, target, properties, write)).id;
            },
            discard: trash,
            // A page found gone and replaced may have a live copy elsewhere: look before that create.
            born: options.born === true && !revived,
            ...(options.claim && !revived ? { claim: options.claim } : {}),
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
            if (!isPageGone(error)) throw error;
            const decision = await onRefusedEdit(ctx, target, current, pageId, properties, revived);
            if (decision.kind === 'fail') throw error;
            if (decision.kind === 'newer') {
              // A tombstone trashes this page (next round); a newer state is tried on it first.
              current = decision.state;
              return AGAIN;
            }
            revived = true;
            if (decision.kind === 'replace') {
              pageId = undefined;
              return AGAIN;
            }
          }
        }
      }
      if (!state.deleted) await (options.beforeMark ?? target.beforeMark)?.();
      const marked = written
        ? await markWritten(ctx, target.kind, target.key, current, written)
        : await markApplied(ctx.store, target.kind, target.key, current);
      if (target.kind === 'todo') {
        // A two-way write leaves a state this memory does not hold: the next event reads it.
        if (marked && marked !== true) ctx.memory.taskStates.set(target.key, marked);
        else ctx.memory.taskStates.delete(target.key);
      }
      if (marked) return 'applied';
      const next = await readEntity(ctx.store, target.kind, target.key);
      if (!next) return 'applied';
      current = next;
      return AGAIN;
    },
    { onlyAgain: true },
  );
}

type RefusedEdit =
  | { kind: 'newer'; state: Stored<EntityDoc> }
  | { kind: 'restored' }
  | { kind: 'replace' }
  | { kind: 'fail' };

/**
 * A page that refuses edits (trashed or deleted). The committed state decides first: a tombstone or
 * a newer state may mean another applier trashed it on purpose, and reviving would make a page
 * that the next round trashes. Only when the newest state still wants a live page: a page the
 * sync itself trashed (a project archived, now unarchived) is restored; one removed by someone
 * else is forgotten so a live one is ensured (once per apply).
 */
async function onRefusedEdit(
  ctx: SyncContext,
  target: PageTarget,
  current: Stored<EntityDoc>,
  pageId: string,
  properties: Record<string, PropertyInput>,
  revived: boolean,
): Promise<RefusedEdit> {
  const newest = await readEntity(ctx.store, target.kind, target.key);
  if (newest && newest.version !== current.version) return { kind: 'newer', state: newest };
  if (revived) return { kind: 'fail' };
  const log = { kind: target.kind, pageId };
  if (current.data.appliedHash === TOMBSTONE_HASH) {
    try {
      await ctx.notion.updatePage(pageId, { inTrash: false, properties });
      ctx.logger.info('page trashed by the sync is restored for the revived entity', log);
      return { kind: 'restored' };
    } catch (error) {
      if (!isPageGone(error)) throw error;
    }
  }
  ctx.logger.info('page removed outside the sync; ensuring a new one', log);
  await ctx.ensure.invalidate(target.kind, target.key, pageId);
  return { kind: 'replace' };
}
