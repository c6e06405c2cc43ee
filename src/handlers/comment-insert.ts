import type { EnsureOnce } from '../exactly-once/ensure-once.js';
import { readEntity } from '../exactly-once/entity-state.js';
import { blockKey, placeComment } from '../mapping/comment-order.js';
import { isCommentBlock } from '../mapping/comment-text.js';
import { NotionError } from '../notion/errors.js';
import type { BlockInput, NotionBlock, NotionBlocks } from '../notion/types.js';
import type { SyncContext } from './context.js';

export interface CommentInsertDeps {
  ctx: SyncContext;
  blocks: NotionBlocks;
  claims: EnsureOnce<'comment'>;
}

/** The id of the block just appended (answers list the new blocks; ours carries the marker). */
export function pickCreated(made: NotionBlock[], noteId: string): string {
  const id = made.find((b) => isCommentBlock(b, noteId))?.id ?? made.at(-1)?.id;
  if (!id) throw new NotionError('outcome_unknown', 'appending the comment answered no block');
  return id;
}

/** Every live child block of a page, in order. */
export async function listBlocks(blocks: NotionBlocks, pageId: string): Promise<NotionBlock[]> {
  const out: NotionBlock[] = [];
  for await (const block of blocks.children(pageId)) out.push(block);
  return out;
}

/** The paragraph a comment's stored state shows (undefined when unknown or deleted). */
async function storedBlock(ctx: SyncContext, noteId: string): Promise<BlockInput | undefined> {
  const doc = await readEntity(ctx.store, 'comment', noteId);
  if (!doc || doc.data.deleted || !doc.data.desired) return undefined;
  return (JSON.parse(doc.data.desired) as { block?: BlockInput | null }).block ?? undefined;
}

/**
 * Writes a new comment's paragraph where its `posted_at` puts it among the page's comments and
 * returns its block id. Counted by the caller's brake like a page create.
 */
export async function insertComment(
  deps: CommentInsertDeps,
  pageId: string,
  noteId: string,
  block: BlockInput,
  /** The page's blocks as a look-up just listed them (listed again when absent). */
  listing?: readonly NotionBlock[],
  /** The claim's admission check, run when the limiter lets each append out (ensure-once's lease rule). */
  admit?: () => void,
): Promise<string> {
  const { ctx, blocks, claims } = deps;
  const place = placeComment(listing ?? (await listBlocks(blocks, pageId)), blockKey(block));
  const moved = 'displace' in place ? await storedBlock(ctx, place.displace.noteId) : undefined;
  if (!('displace' in place) || !moved) {
    const after = 'after' in place ? place.after : undefined;
    return pickCreated(await blocks.append(pageId, [block], { after, beforeSend: admit }), noteId);
  }
  // Only "after" exists: copy the first comment one block down, re-point its claim, then write
  // the new comment into the first block, so the page reads in posted order.
  const { blockId, noteId: movedId } = place.displace;
  const copy = pickCreated(
    await blocks.append(pageId, [moved], { after: blockId, beforeSend: admit }),
    movedId,
  );
  await claims.point('comment', movedId, copy);
  await blocks.update(blockId, block);
  ctx.logger.info('comment placed before the earlier first comment', { noteId, movedNoteId: movedId });
  return blockId;
}
