import { AppError, errorMessage, isAppError, isTransient } from '../errors.js';
import { deliveryKey, type LedgerEntry } from '../exactly-once/ledger.js';
import { isNotionError } from '../notion/errors.js';
import { isTodoistPayloadError, type ParsedEvent, parseWebhookBody } from '../todoist/payload.js';
import type { SyncContext } from './context.js';
import { reportIssues } from './odd-fields.js';
import { syncProject } from './projects.js';
import type { InboundMessage } from './pubsub-message.js';
import { syncSection } from './sections.js';
import { syncTask } from './todos.js';
import { asUser, isUserSynced } from './users.js';

export type MessageOutcome =
  | 'applied'
  | 'unchanged'
  | 'stale'
  | 'filtered'
  | 'duplicate'
  | 'ignored'
  | 'poison'
  | 'failed';

/** Another instance is still working on this delivery; Pub/Sub should offer it again later. */
export class DeliveryBusyError extends AppError<'delivery_in_progress'> {
  constructor(owner: string) {
    super('delivery_in_progress', `this delivery is still being processed by ${owner}`, { transient: true });
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Handles one Pub/Sub message. Returns normally to ack; throws only for transient failures so
 * Pub/Sub retries. Malformed messages are logged at ERROR and acked.
 */
export async function handleMessage(ctx: SyncContext, message: InboundMessage): Promise<MessageOutcome> {
  const deliveryId = message.attributes['deliveryId'];
  const log = ctx.logger.child({ messageId: message.messageId, deliveryId });
  let event: ParsedEvent;
  try {
    event = parseWebhookBody(message.body);
  } catch (error) {
    if (!isTodoistPayloadError(error)) throw error;
    log.error('poison message acknowledged without applying', {
      reason: error.message,
      bytes: message.body.length,
    });
    return 'poison';
  }
  if (event.kind === 'ignored') {
    const ignored = ctx.memory.ignoredEvents;
    const count = (ignored.get(event.eventName) ?? 0) + 1;
    ignored.set(event.eventName, count);
    log.info('event acknowledged, not applied', { eventName: event.eventName, ignored: true, count });
    return 'ignored';
  }
  if (!isUserSynced(ctx, event.userId)) {
    log.info('event of a Todoist user not in SYNC_USERS acknowledged, not applied', {
      eventName: event.eventName,
      userId: event.userId,
      filtered: true,
    });
    return 'filtered';
  }
  if (event.kind !== 'task') reportIssues(log, event.eventName, event.issues ?? []);
  const key = deliveryKey({ deliveryId, messageId: message.messageId, body: message.body });
  const entry = await claimDelivery(ctx, key, event.eventName);
  if (!entry) {
    log.info('duplicate delivery skipped', { eventName: event.eventName, duplicate: true });
    return 'duplicate';
  }
  try {
    const outcome = await apply(asUser(ctx, event.userId), event);
    await ctx.ledger.finish(entry);
    log.info('event handled', { eventName: event.eventName, outcome });
    return outcome;
  } catch (error) {
    await ctx.ledger.abandon(entry);
    if (isNotionError(error, 'schema_invalid')) {
      // Nothing is lost while the user fixes the schema: the message comes back until it applies.
      log.error('the Notion schema is missing a required property; the event will be retried', {
        reason: error.message,
      });
      throw error;
    }
    if (isTransient(error) || !isAppError(error)) {
      log.warn('event failed; Pub/Sub will retry it', { eventName: event.eventName, error });
      throw error;
    }
    log.error('event failed permanently and is acknowledged', {
      eventName: event.eventName,
      error,
      reason: errorMessage(error),
    });
    return 'failed';
  }
}

/** Routes a parsed event to the sync of its entity kind. */
function apply(ctx: SyncContext, event: Exclude<ParsedEvent, { kind: 'ignored' }>): Promise<MessageOutcome> {
  switch (event.kind) {
    case 'task':
      return syncTask(ctx, event);
    case 'project':
      return syncProject(ctx, event);
    case 'note':
      // Comments (five modules) load with the first comment: a cold start on a task event skips them.
      return import('./comments.js').then(({ syncComment }) => syncComment(ctx, event));
    case 'section':
      return syncSection(ctx, event);
  }
}

/** Claims the delivery in the ledger, waiting out another instance's work on it; undefined when already done. */
export async function claimDelivery(
  ctx: SyncContext,
  key: string,
  eventName: string,
): Promise<LedgerEntry | undefined> {
  const deadline = ctx.now() + ctx.config.state.leaseMs + 1_000;
  let delay = 100;
  for (;;) {
    const verdict = await ctx.ledger.begin(key, eventName);
    if (verdict.status === 'new') return verdict.entry;
    if (verdict.status === 'done') return undefined;
    if (ctx.now() > deadline) {
      ctx.logger.info('delivery still in progress elsewhere; asking for a retry', { owner: verdict.owner });
      throw new DeliveryBusyError(verdict.owner);
    }
    await sleep(delay);
    delay = Math.min(delay * 2, 1_000);
  }
}
