import { AppError } from '../errors.js';
import { isPageGone, NotionError } from '../notion/errors.js';
import type { BlockInput, NotionBlock, NotionBlocks } from '../notion/types.js';
import type { Stored } from '../state/store.js';
import { isCommentBlock } from './comment-text.js';
import type { SyncContext } from './context.js';
import type { EnsureOnce } from './ensure-once.js';
import { type EntityDoc, markApplied, readEntity } from './entity-state.js';

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

export type CommentOutcome = 'applied' | 'unchanged' | 'stale' | 'filtered' | 'ignored';

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

/** The live block mirroring the comment in its task's page, found by its marker link. */
async function findBlock(blocks: NotionBlocks, pageId: string, noteId: string): Promise<string | undefined> {
  for await (const block of blocks.children(pageId)) if (isCommentBlock(block, noteId)) return block.id;
  return undefined;
}

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
  for (let round = 0; round < 10; round++) {
    const state = parseState(current.data);
    const pageId = await ctx.ensure.peek('todo', state.taskId);
    const lookup = async () => (pageId ? findBlock(blocks, pageId, noteId) : undefined);
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
          create: async (admit) =>
            pickCreated(await blocks.append(pageId, [block], { beforeSend: admit }), noteId),
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
          continue;
        }
      }
    }
    if (await markApplied(ctx.store, 'comment', noteId, current)) return 'applied';
    const next = await readEntity(ctx.store, 'comment', noteId);
    if (!next || next.data.appliedHash === next.data.desiredHash) return 'applied';
    current = next;
  }
  throw new Error(`comment ${noteId} did not settle after 10 rounds of concurrent changes`);
}

/** The id of the block just appended (answers list the new blocks; ours carries the marker). */
function pickCreated(made: NotionBlock[], noteId: string): string {
  const id = made.find((b) => isCommentBlock(b, noteId))?.id ?? made.at(-1)?.id;
  if (!id) throw new NotionError('outcome_unknown', 'appending the comment answered no block');
  return id;
}
