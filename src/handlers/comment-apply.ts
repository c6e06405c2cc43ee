import { AppError } from '../errors.js';
import type { EnsureOnce } from '../exactly-once/ensure-once.js';
import { type EntityDoc, markApplied, readEntity } from '../exactly-once/entity-state.js';
import { isCommentBlock } from '../mapping/comment-text.js';
import { isPageGone } from '../notion/errors.js';
import type { BlockInput, NotionBlock, NotionBlocks } from '../notion/types.js';
import type { Stored } from '../state/store.js';
import { AGAIN, retryOnWriteRace } from '../state/write-race.js';
import { insertComment, listBlocks } from './comment-insert.js';
import type { SyncContext } from './context.js';

export type CommentErrorCode = 'task_page_pending' | 'blocks_unsupported' | 'comment_state_invalid';

/** A comment that cannot be mirrored now (`task_page_pending`, transient) or at all. */
export class CommentError extends AppError<CommentErrorCode> {
  constructor(code: CommentErrorCode, message: string) {
    super(code, message, { transient: code === 'task_page_pending' });
  }
}

export function isCommentError(value: unknown, code?: CommentErrorCode): value is CommentError {
  return value instanceof CommentError && (code === undefined || value.code === code);
}

export type CommentOutcome = 'applied' | 'unchanged' | 'stale' | 'filtered' | 'ignored' | 'duplicate';

/** What a comment's entity state holds as `desired`: its task, and its paragraph (null once deleted). */
export interface CommentState {
  taskId: string;
  block: BlockInput | null;
}

export interface CommentApplyDeps {
  ctx: SyncContext;
  blocks: NotionBlocks;
  claims: EnsureOnce<'comment'>;
  noteId: string;
}

function parseState(doc: EntityDoc): CommentState {
  try {
    const parsed = JSON.parse(doc.desired ?? '') as Partial<CommentState>;
    if (typeof parsed.taskId === 'string') return { taskId: parsed.taskId, block: parsed.block ?? null };
  } catch {
    // reported below
  }
  throw new CommentError('comment_state_invalid', `stored state of comment ${doc.key} is unreadable`);
}

const ignoreGone = (error: unknown) => {
  if (!isPageGone(error)) throw error;
};

/**
 * Makes the task page show the newest committed state of one comment: the paragraph appended
 * once (ensure-once, keyed by comment id), edited in place, or trashed. Like `applyEntity`, it
 * records the state as applied only if nothing newer was committed meanwhile, else applies that.
 */
export async function applyComment(
  deps: CommentApplyDeps,
  committed: Stored<EntityDoc>,
): Promise<CommentOutcome> {
  const { ctx, blocks, claims, noteId } = deps;
  if (committed.data.appliedHash === committed.data.desiredHash) return 'unchanged';
  let current = committed;
  let blockId: string | undefined;
  let revived = false;
  return retryOnWriteRace<CommentOutcome>(
    `comment ${noteId}: settling its block`,
    async () => {
      const state = parseState(current.data);
      const pageId = await ctx.ensure.peek('todo', state.taskId);
      // The listing a look-up reads also tells a create where the comment goes: one GET, not two.
      let listing: NotionBlock[] | undefined;
      const lookup = async () => {
        if (!pageId) return undefined;
        listing = await listBlocks(blocks, pageId);
        return listing.find((b) => isCommentBlock(b, noteId))?.id;
      };
      if (current.data.deleted || !state.block) {
        blockId ??= (await claims.peek('comment', noteId)) ?? (await claims.find('comment', noteId, lookup));
        if (blockId) await blocks.remove(blockId).catch(ignoreGone);
      } else {
        const block = state.block;
        if (!pageId) {
          throw new CommentError('task_page_pending', `the task ${state.taskId} has no Todo page yet`);
        }
        let fresh = false;
        if (!blockId) {
          const result = await claims.ensure('comment', noteId, {
            lookup,
            create: async (admit) => {
              ctx.brake?.check('comment');
              return insertComment(deps, pageId, noteId, block, listing, admit);
            },
            discard: (id) => blocks.remove(id).catch(ignoreGone),
          });
          blockId = result.pageId;
          fresh = result.created;
        }
        if (!fresh) {
          try {
            await blocks.update(blockId, block);
          } catch (error) {
            if (!isPageGone(error) || revived) throw error;
            // Deleted by hand in Notion: forget it and append the comment again, once.
            ctx.logger.info('comment block is gone; appending it again', { noteId, blockId });
            await claims.invalidate('comment', noteId, blockId);
            blockId = undefined;
            revived = true;
            return AGAIN;
          }
        }
      }
      if (await markApplied(ctx.store, 'comment', noteId, current)) return 'applied';
      const next = await readEntity(ctx.store, 'comment', noteId);
      if (!next || next.data.appliedHash === next.data.desiredHash) return 'applied';
      current = next;
      return AGAIN;
    },
    { onlyAgain: true },
  );
}
