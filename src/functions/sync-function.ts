/**
 * syncTodoistEvent: one Pub/Sub message applied to Notion exactly once. Loaded on first use (or at
 * start-up when it is the served target), so only this function's process pays for its modules.
 */
import type { CloudEvent } from '@google-cloud/functions-framework';
import type { Config } from '../config/index.js';
import { handleMessage } from '../handlers/handle-message.js';
import type { Logger } from '../log/logger.js';
import { createSyncContext, type RuntimeOverrides } from '../runtime.js';
import { consume } from './consume.js';
import { auditAfterFirstEvent, warmSchemas } from './first-event.js';

/**
 * Builds the instance; returns the event handler. Nothing goes to Notion before an event: each
 * event starts the schema reads it needs, and the first one handled starts the duplicate audit.
 */
export function createSyncFunction(
  config: Config,
  logger: Logger,
  overrides: RuntimeOverrides = {},
): (event: CloudEvent<unknown>) => Promise<void> {
  const ctx = createSyncContext(config, logger, overrides);
  const afterEvent = auditAfterFirstEvent(ctx);
  return async (event) => {
    try {
      await consume(ctx, event, (c, message) => {
        warmSchemas(c, message);
        return handleMessage(c, message);
      });
    } finally {
      afterEvent();
    }
  };
}
