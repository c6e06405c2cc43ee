/** reconcileTodoist: the scheduled reconcile tick, loaded only by the process that runs it. */
import type { CloudEvent } from '@google-cloud/functions-framework';
import type { Config } from '../config/index.js';
import type { Logger } from '../log/logger.js';
import { handleReconcileTick } from '../reconcile/scheduled.js';
import { createSyncContext } from '../runtime.js';
import { retrySignal } from './retry-signal.js';

/** Builds the reconcile instance; returns the tick handler. */
export function createReconcileFunction(
  config: Config,
  logger: Logger,
): (event: CloudEvent<unknown>) => Promise<void> {
  const ctx = createSyncContext(config, logger);
  return async () => {
    try {
      await handleReconcileTick(ctx);
    } catch (error) {
      throw retrySignal(error);
    }
  };
}
