import { contentHash } from '../exactly-once/content-hash.js';
import { commitDesired, isShown, readEntity } from '../exactly-once/entity-state.js';
import { decide, eventVersion } from '../exactly-once/ordering.js';
import { type CommentInput, commentBlock } from '../mapping/comment-text.js';
import type { NoteEvent } from '../todoist/payload.js';
import { snapshotEvent } from '../todoist/payload.js';
import { applyComment, CommentError, type CommentOutcome, type CommentState } from './comment-apply.js';
import type { SyncContext } from './context.js';
import { syncTask, todoTarget } from './todos.js';

/*
 * Comments (`note:*`) are mirrored as one paragraph each in their task's Todo page. Per comment:
 * newest wins on the entity state (kind `comment`, ordered by `triggered_at`, `posted_at` as a
 * fallback; a deletion is final), and the block is made through ensure-once (a claim per comment
 * id holding the block id), so redeliveries and concurrent instances append it once.
 *
 * A comment whose task has no page yet: the task carried in the note (`item`), else read from the
 * Todoist API, is synced first (as a snapshot, so it never overrides a newer task event); without
 * either, the event fails transiently and Pub/Sub offers it again once the task event has landed.
 */

export { CommentError, type CommentOutcome, type CommentState, isCommentError } from './comment-apply.js';

/** note:added/updated/deleted: append, edit in place or remove the comment's paragraph. */
export async function syncComment(ctx: SyncContext, event: NoteEvent): Promise<CommentOutcome> {
  const { note } = event;
  const taskId = note.item_id ?? note.item?.id ?? null;
  const log = ctx.logger.child({ noteId: note.id, taskId, eventName: event.eventName });
  if (!taskId) {
    log.info('project comment not mirrored (only task comments are)', { ignored: true });
    return 'ignored';
  }
  const blocks = ctx.notion.blocks;
  if (!blocks) throw new CommentError('blocks_unsupported', 'this Notion client cannot edit page content');
  const isDelete = event.eventName === 'note:deleted' || note.is_deleted;
  const version = eventVersion({
    eventName: event.eventName,
    triggeredAt: event.triggeredAt ?? note.posted_at,
  });
  // Per task, not per comment: a comment's place in the page depends on its siblings.
  return ctx.memory.serial.comment(taskId, async () => {
    const before = await readEntity(ctx.store, 'comment', note.id);
    const verdict = before && decide(before.data, { version, isDelete });
    if (verdict === 'stale') return stale(log);
    // Decided before the task's page is looked for: a redelivery costs this one read.
    if (verdict === 'duplicate' && before && isShown(before.data)) return 'duplicate';
    if (!isDelete && before && !before.data.deleted && !carriesContent(event)) {
      // A sparse payload must not blank the paragraph: what it lacks stays as shown.
      log.info('comment event without content: the paragraph keeps its text', { sparse: true });
      return 'unchanged';
    }
    if (!isDelete) {
      const page = await taskPage(ctx, event, taskId);
      if (page !== 'ready') {
        log.info('comment not mirrored: its task is not synced', { reason: page, ignored: true });
        return page === 'filtered' ? 'filtered' : 'ignored';
      }
    }
    const input: CommentInput = {
      taskId,
      noteId: note.id,
      postedAt: note.posted_at ?? event.triggeredAt,
      content: note.content,
      attachment: note['file_attachment'],
    };
    const state: CommentState = { taskId, block: isDelete ? null : commentBlock(input) };
    const outcome = await commitDesired(
      ctx.store,
      'comment',
      note.id,
      {
        version,
        isDelete,
        desired: JSON.stringify(state),
        desiredHash: isDelete ? 'deleted' : contentHash(state),
      },
      ctx.now,
      before ?? null,
    );
    if (outcome.verdict === 'stale') return stale(log);
    return applyComment({ ctx, blocks, claims: ctx.commentClaims, noteId: note.id }, outcome.stored);
  });
}

function carriesContent(event: NoteEvent): boolean {
  const data = event.raw['event_data'];
  return (
    typeof data === 'object' && data !== null && typeof (data as { content?: unknown }).content === 'string'
  );
}

function stale(log: SyncContext['logger']): CommentOutcome {
  log.info('stale event skipped: a newer state was already applied', { stale: true });
  return 'stale';
}

/** Makes sure the task's Todo page exists (syncing the task first when the event carries it). */
async function taskPage(
  ctx: SyncContext,
  event: NoteEvent,
  taskId: string,
): Promise<'ready' | 'filtered' | 'deleted' | 'unknown'> {
  const todo = await readEntity(ctx.store, 'todo', taskId);
  if (todo?.data.deleted) return 'deleted';
  if (await ctx.ensure.peek('todo', taskId)) return 'ready';
  const task = event.note.item ?? (ctx.todoist ? await ctx.todoist.getTask(taskId) : undefined);
  if (task) {
    if ((await syncTask(ctx, snapshotEvent(task))) === 'filtered') return 'filtered';
    if (await ctx.ensure.peek('todo', taskId)) return 'ready';
  }
  if (await ctx.ensure.find('todo', taskId, todoTarget(ctx, taskId).lookup)) return 'ready';
  // The API answers only for active tasks: a completed or deleted task unknown here stays unmirrored.
  if (ctx.todoist && !task) return 'unknown';
  throw new CommentError(
    'task_page_pending',
    `the task ${taskId} of comment ${event.note.id} has no Todo page yet; retrying later`,
  );
}
