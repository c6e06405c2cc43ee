import { isAppError, isTransient } from '../errors.js';
import { isPageGone } from '../notion/errors.js';
import { sameNotionId } from '../notion/ids.js';
import { readText } from '../notion/property-readers.js';
import type { NotionPage } from '../notion/types.js';
import type { SyncContext } from './context.js';
import { claimDelivery } from './delivery-claim.js';
import { syncPageEdit } from './notion-edit.js';
import { authoredOnlyBy, isNotionEventError, type NotionEvent, parseNotionEvent } from './notion-envelope.js';
import { syncNewTodo } from './notion-new-todo.js';
import { applyTrash } from './notion-trash.js';
import type { InboundMessage } from './pubsub-message.js';

export type NotionOutcome =
  | 'sent'
  | 'created'
  | 'unchanged'
  | 'own'
  | 'ignored'
  | 'duplicate'
  | 'off'
  | 'poison'
  | 'unknown_task'
  | 'failed';

const PAGE_CHANGES = new Set(['page.properties_updated', 'page.created', 'page.undeleted', 'page.moved']);

/**
 * Handles one Notion event from Pub/Sub (at least once). The event id is the ledger key, so a
 * redelivery (Pub/Sub's or Notion's own retry) does nothing; the page is read, since events carry
 * no values. Returns normally to ack; throws only for transient failures.
 */
export async function handleNotionMessage(ctx: SyncContext, message: InboundMessage): Promise<NotionOutcome> {
  let event: NotionEvent;
  try {
    event = parseNotionEvent(message.body);
  } catch (error) {
    if (!isNotionEventError(error)) throw error;
    ctx.logger.error('poison Notion event acknowledged without applying', { reason: error.message });
    return 'poison';
  }
  const log = ctx.logger.child({ notionEventId: event.id, eventType: event.type, pageId: event.entity.id });
  if (ctx.config.twoWay.direction !== 'two-way') {
    log.info('Notion event acknowledged: SYNC_DIRECTION is not two-way', { ignored: true });
    return 'off';
  }
  if (event.entity.type !== 'page' || !(PAGE_CHANGES.has(event.type) || event.type === 'page.deleted')) {
    log.info('Notion event acknowledged, not applied', { ignored: true });
    return 'ignored';
  }
  if (authoredOnlyBy(event, await ctx.botId?.())) {
    log.info('Notion event of our own write skipped', { own: true });
    return 'own';
  }
  const entry = await claimDelivery(ctx, `notion-event:${event.id}`, event.type);
  if (!entry) {
    log.info('duplicate Notion event skipped', { duplicate: true });
    return 'duplicate';
  }
  try {
    const outcome = await apply(ctx, event, log);
    await ctx.ledger.finish(entry);
    log.info('Notion event handled', { outcome });
    return outcome;
  } catch (error) {
    await ctx.ledger.abandon(entry);
    if (isAppError(error) && error.code === 'todoist_change_pending') throw error;
    if (isTransient(error) || !isAppError(error)) {
      log.warn('Notion event failed; Pub/Sub will retry it', { error });
      throw error;
    }
    log.error('Notion event failed permanently and is acknowledged', { error });
    return 'failed';
  }
}

async function apply(
  ctx: SyncContext,
  event: NotionEvent,
  log: SyncContext['logger'],
): Promise<NotionOutcome> {
  let page: NotionPage;
  try {
    page = await ctx.notion.retrievePage(event.entity.id);
  } catch (error) {
    if (!isPageGone(error)) throw error;
    log.info('the page is gone or no longer shared with the integration', { ignored: true });
    return 'ignored';
  }
  if (!isTodo(ctx, event, page)) {
    log.info('not a Todo page: acknowledged, not applied', { ignored: true });
    return 'ignored';
  }
  const taskId = readText(page, 'Todoist ID').trim();
  if (event.type === 'page.deleted' || page.in_trash) {
    if (!taskId) return 'ignored';
    return applyTrash(ctx, taskId, event, log);
  }
  if (!taskId) return syncNewTodo(ctx, page, event);
  return syncPageEdit(ctx, page, taskId, { at: event.at, eventId: event.id });
}

/**
 * Whether a page lives in the Todos database: the event's `data.parent` names the database (or
 * its data source), else the page's own `parent` does when the client kept it.
 */
function isTodo(ctx: SyncContext, event: NotionEvent, page: NotionPage): boolean {
  const parent = (page as { parent?: Record<string, unknown> }).parent ?? {};
  const todos = ctx.databaseId('todos');
  return [...event.parentIds, parent['database_id'], parent['data_source_id']].some(
    (id) => typeof id === 'string' && sameNotionId(id, todos),
  );
}
