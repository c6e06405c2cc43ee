import { describe, expect, it } from 'vitest';
import { commentBlock, commentStamp, commentUrl, isCommentBlock } from '../../src/mapping/comment-text.js';
import type { NotionBlock } from '../../src/notion/types.js';

type Item = { text: { content: string; link?: { url: string } } };
const itemsOf = (block: ReturnType<typeof commentBlock>) => block.paragraph.rich_text as Item[];
const plain = (block: ReturnType<typeof commentBlock>) =>
  itemsOf(block)
    .map((i) => i.text.content)
    .join('');

/** A block as Notion answers it, from the block we wrote. */
function asRead(block: ReturnType<typeof commentBlock>, id = 'b1'): NotionBlock {
  return { id, type: 'paragraph', in_trash: false, richText: itemsOf(block) };
}

const NOTE = { taskId: '6cVp3Xq8RwJm2HtD', noteId: '6cVq8Fr2TbGh5WcZ' };

describe('comment paragraphs', () => {
  it('shows the UTC minute it was posted, a dash, and the text', () => {
    const block = commentBlock({
      ...NOTE,
      postedAt: '2025-02-10T10:45:00.000000Z',
      content: 'Get the lactose-free one',
    });
    expect(block.type).toBe('paragraph');
    expect(plain(block)).toBe('2025-02-10 10:45 — Get the lactose-free one');
  });

  it.each([
    ['2025-02-10T10:45:59.999999Z', '2025-02-10 10:45'],
    ['2025-02-10T23:30:00+02:00', '2025-02-10 21:30'],
    ['2025-12-31T23:59:00-01:00', '2026-01-01 00:59'],
    [null, undefined],
    ['yesterday', undefined],
  ])('stamp of %s is %s', (postedAt, want) => {
    expect(commentStamp(postedAt)).toBe(want);
  });

  it('links the date to the task with the comment id, which is how its block is found again', () => {
    const block = commentBlock({ ...NOTE, postedAt: null, content: 'x' });
    expect(itemsOf(block)[0]?.text.link?.url).toBe(commentUrl(NOTE.taskId, NOTE.noteId));
    expect(isCommentBlock(asRead(block), NOTE.noteId)).toBe(true);
    expect(isCommentBlock(asRead(block), 'XR5c2Pq3Jgrj6Xv')).toBe(false);
    expect(isCommentBlock(asRead(block), `${NOTE.noteId}0`)).toBe(false);
    expect(isCommentBlock({ ...asRead(block), in_trash: true }, NOTE.noteId)).toBe(false);
  });

  it('splits a long comment over text objects of at most 2000 characters, losing nothing', () => {
    const content = 'ab'.repeat(2600);
    const block = commentBlock({ ...NOTE, postedAt: '2025-02-10T10:45:00Z', content });
    expect(itemsOf(block).every((i) => i.text.content.length <= 2000)).toBe(true);
    expect(plain(block)).toBe(`2025-02-10 10:45 — ${content}`);
  });

  it('names an attachment and links to it', () => {
    const block = commentBlock({
      ...NOTE,
      postedAt: '2025-02-10T10:45:00Z',
      content: '',
      attachment: { file_name: 'receipt.pdf', file_url: 'https://files.todoist.com/receipt.pdf' },
    });
    expect(plain(block)).toBe('2025-02-10 10:45 — 📎 receipt.pdf');
    expect(itemsOf(block).at(-1)?.text.link?.url).toBe('https://files.todoist.com/receipt.pdf');
  });
});
