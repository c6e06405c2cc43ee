import { errorMessage, isAppError, isTransient } from '../errors.js';
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

/**
 * Handles one Pub/Sub message. Returns normally to ack; throws only for transient failures so
 * Pub/Sub retries. Malformed messages are logged at ERROR and acked. A redelivery is told apart by
 * its entity's state (same version, already shown), not by a ledger of deliveries: that costs one
 * read and no write, where a ledger costs two writes and a TTL delete on every event.
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
  try {
    const outcome = await apply(asUser(ctx, event.userId), event);
    if (outcome === 'duplicate')
      log.info('duplicate delivery skipped', { eventName: event.eventName, duplicate: true });
    else log.info('event handled', { eventName: event.eventName, outcome });
    return outcome;
  } catch (error) {
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
