/** syncNotionEvent (two-way): a Notion page event applied to Todoist exactly once. Loaded on first use. */
import type { CloudEvent } from '@google-cloud/functions-framework';
import type { Config } from '../config/index.js';
import { handleNotionMessage } from '../handlers/notion-event.js';
import type { Logger } from '../log/logger.js';
import { createSyncContext } from '../runtime.js';
import { consume } from './consume.js';

/** Builds the instance; returns the event handler. */
export function createNotionSyncFunction(
  config: Config,
  logger: Logger,
): (event: CloudEvent<unknown>) => Promise<void> {
  const ctx = createSyncContext(config, logger);
  return (event) => consume(ctx, event, handleNotionMessage);
}
