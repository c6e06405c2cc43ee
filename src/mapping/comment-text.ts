import * as v from 'valibot';
import { textItems } from '../notion/properties.js';
import type { BlockInput, NotionBlock, RichTextInput } from '../notion/types.js';
import { parseTimestampMicros } from '../todoist/timestamp.js';
import { jsonObject } from '../validation/json-values.js';

/*
 * How a Todoist comment shows in its Todo page: one paragraph, "2025-02-10 10:45 — text". The
 * date links to the task with a `#comment-<id>` fragment; that link is how a comment's block is
 * recognised again (after a lost append answer, or with a fresh state store), since blocks have
 * no properties to look up.
 */

export interface CommentInput {
  taskId: string;
  noteId: string;
  /** `posted_at` (or the event's `triggered_at`): shown as UTC minutes. */
  postedAt: string | null;
  content: string;
  /** `file_attachment` as sent (unknown shape; a name and URL are used when present). */
  attachment?: unknown;
}

const attachmentSchema = jsonObject({
  file_name: v.nullish(v.string()),
  file_url: v.nullish(v.string()),
});

/** Rich-text items per paragraph (Notion's limit is 100): the date, the dash, an attachment, the rest. */
const MAX_ITEMS = 100;

/** The marker fragment of a comment's link. */
export function commentFragment(noteId: string): string {
  return `#comment-${encodeURIComponent(noteId)}`;
}

/**
 * The link on a comment's date: the task in Todoist, marked with the comment id, and with its
 * `posted_at` (µs) when known, so the page can keep its comments in posted order (comment-order.ts).
 */
export function commentUrl(taskId: string, noteId: string, postedAt: string | null = null): string {
  const micros = postedAt ? parseTimestampMicros(postedAt) : undefined;
  const posted = micros === undefined ? '' : `?posted=${micros}`;
  return `https://app.todoist.com/app/task/${encodeURIComponent(taskId)}${posted}${commentFragment(noteId)}`;
}

/** `2025-02-10T10:45:00.000000Z` → `2025-02-10 10:45` (UTC); undefined when absent or malformed. */
export function commentStamp(postedAt: string | null): string | undefined {
  const micros = postedAt ? parseTimestampMicros(postedAt) : undefined;
  if (micros === undefined) return undefined;
  const iso = new Date(Number(micros / 1000n)).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
}

/** The paragraph block mirroring one comment (pure). */
export function commentBlock(input: CommentInput): BlockInput {
  const link = { url: commentUrl(input.taskId, input.noteId, input.postedAt) };
  const items: RichTextInput[] = [
    { type: 'text', text: { content: commentStamp(input.postedAt) ?? 'Comment', link } },
    { type: 'text', text: { content: ' — ' } },
  ];
  const file = v.safeParse(attachmentSchema, input.attachment);
  const fileUrl = file.success ? file.output.file_url : undefined;
  const attached = fileUrl && /^https?:\/\//.test(fileUrl) && fileUrl.length <= 2000;
  const room = MAX_ITEMS - items.length - (attached ? 1 : 0);
  items.push(...textItems(input.content).slice(0, room));
  if (attached) {
    const name = (file.success && file.output.file_name) || 'attachment';
    const gap = input.content === '' ? '' : ' ';
    items.push({
      type: 'text',
      text: { content: `${gap}📎 ${name}`.slice(0, 2000), link: { url: fileUrl } },
    });
  }
  return { type: 'paragraph', paragraph: { rich_text: items } };
}

/** Whether a block is the mirror of this comment (its date carries the comment's marker link). */
export function isCommentBlock(block: NotionBlock, noteId: string): boolean {
  if (block.in_trash) return false;
  const mark = commentFragment(noteId);
  return block.richText.some((item) => {
    const url = item.text?.link?.url ?? item.href ?? '';
    return url.endsWith(mark);
  });
}
