/**
 * syncTodoistEvent: one Pub/Sub message applied to Notion exactly once. Loaded on first use (or at
 * start-up when it is the served target), so only this function's process pays for its modules.
 */
import type { CloudEvent } from '@google-cloud/functions-framework';
import { startStartupAudit } from '../audit/startup-audit.js';
import type { Config } from '../config/index.js';
import { handleMessage } from '../handlers/handle-message.js';
import type { Logger } from '../log/logger.js';
import { createSyncContext } from '../runtime.js';
import { consume } from './consume.js';

/** Builds the instance (and starts its background duplicate audit); returns the event handler. */
export function createSyncFunction(
  config: Config,
  logger: Logger,
): (event: CloudEvent<unknown>) => Promise<void> {
  const ctx = createSyncContext(config, logger);
  // Every event needs the schemas: reading them now overlaps the first event's own arrival. The
  // read is shared with that event, and a failure is not kept (the event reads again and reports).
  ctx.properties('todos').catch(() => undefined);
  // The duplicate audit runs in the background at low priority; it never delays or fails events.
  void startStartupAudit(ctx);
  return (event) => consume(ctx, event, handleMessage);
}
