import type { BlockInput, NotionBlock } from '../notion/types.js';

/*
 * A task page shows its comments in `posted_at` order, whatever order their events arrive in.
 * Each comment's date link carries its comment id (`#comment-<id>`) and, since this was added,
 * its `posted_at` in µs (`?posted=`); older blocks fall back to the minute shown in their text.
 * A new comment goes right after the last comment posted before it. When it is older than every
 * comment and the first comment is the page's first block (the API can insert only *after* a
 * block), the first comment moves down one block instead: see `displace` in comment-apply.ts.
 */

/** Where a comment sorts: posted µs (zero-padded), then the comment id for equal times. */
type SortKey = string;

const MARK = /#comment-([^#?]+)$/;
const POSTED = /[?&]posted=(\d+)/;
const STAMP = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2})/;

const key = (micros: bigint, noteId: string): SortKey => `${micros.toString().padStart(20, '0')}|${noteId}`;

function keyOfLink(url: string, shown: string): { noteId: string; key: SortKey | undefined } | undefined {
  const mark = MARK.exec(url);
  if (!mark?.[1]) return undefined;
  const noteId = decodeURIComponent(mark[1]);
  const posted = POSTED.exec(url)?.[1];
  if (posted) return { noteId, key: key(BigInt(posted), noteId) };
  const stamp = STAMP.exec(shown);
  const ms = stamp ? Date.parse(`${stamp[1]}T${stamp[2]}:00Z`) : Number.NaN;
  return { noteId, key: Number.isNaN(ms) ? undefined : key(BigInt(ms) * 1000n, noteId) };
}

/** The comment a live block mirrors and where it sorts; undefined for any other block. */
export function commentOf(block: NotionBlock): { noteId: string; key: SortKey | undefined } | undefined {
  if (block.in_trash) return undefined;
  const first = block.richText[0];
  const url = first?.text?.link?.url ?? first?.href ?? '';
  return keyOfLink(url, first?.plain_text ?? first?.text?.content ?? '');
}

/** Where the comment block about to be written sorts (undefined: no posted time, so it goes last). */
export function blockKey(block: BlockInput): SortKey | undefined {
  const items = (
    block['paragraph'] as { rich_text?: Array<{ text?: { content?: string; link?: { url?: string } } }> }
  )?.rich_text;
  const first = items?.[0]?.text;
  return first?.link?.url ? keyOfLink(first.link.url, first.content ?? '')?.key : undefined;
}

export type Placement =
  /** Append after this block (undefined: at the end of the page). */
  | { after: string | undefined }
  /** The new comment sorts before `first`, the page's first block: move that one down. */
  | { displace: { blockId: string; noteId: string } };

/** Where a new comment sorting at `mine` goes among the page's live blocks (pure). */
export function placeComment(children: readonly NotionBlock[], mine: SortKey | undefined): Placement {
  if (mine === undefined) return { after: undefined };
  let firstComment = -1;
  let predecessor: string | undefined;
  children.forEach((block, i) => {
    const comment = commentOf(block);
    if (!comment) return;
    if (firstComment < 0) firstComment = i;
    if (comment.key !== undefined && comment.key < mine) predecessor = block.id;
  });
  if (firstComment < 0) return { after: undefined };
  if (predecessor) return { after: predecessor };
  const before = children[firstComment - 1];
  if (before) return { after: before.id };
  const first = children[firstComment] as NotionBlock;
  return { displace: { blockId: first.id, noteId: commentOf(first)?.noteId ?? '' } };
}
