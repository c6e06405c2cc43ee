/** The Pub/Sub side of a sync function: decode the message, hand it on, turn a failure into a retry. */
import type { CloudEvent } from '@google-cloud/functions-framework';
import type { SyncContext } from '../handlers/context.js';
import { decodeMessage, type InboundMessage, MessageError } from '../handlers/pubsub-message.js';
import { retrySignal } from './retry-signal.js';

/**
 * Decodes a Pub/Sub CloudEvent and hands it to a handler: a message that cannot be read is
 * logged at ERROR and acked (poison); a handler failure becomes a retry signal.
 */
export async function consume(
  ctx: SyncContext,
  event: CloudEvent<unknown>,
  handle: (ctx: SyncContext, message: InboundMessage) => Promise<unknown>,
): Promise<void> {
  let message: InboundMessage;
  try {
    message = decodeMessage(event.data, event.id);
  } catch (error) {
    if (!(error instanceof MessageError)) throw error;
    ctx.logger.error('poison message acknowledged without applying', {
      reason: error.message,
      cloudEventId: event.id,
    });
    return;
  }
  try {
    await handle(ctx, message);
  } catch (error) {
    throw retrySignal(error);
  }
}
