/**
 * Entry point: registers the functions with functions-framework. Configuration is read and
 * validated once, at load, for the function being served; a bad variable stops start-up with
 * a line naming it.
 */

import type { CloudEvent } from '@google-cloud/functions-framework';
import * as functions from '@google-cloud/functions-framework';
import { startStartupAudit } from './audit/startup-audit.js';
import { type Config, type ConfigRole, isConfigError, loadConfig, secretsOf } from './config/index.js';
import { createLogger, type Logger, registerSecrets } from './log/logger.js';
import { handleReconcileTick } from './reconcile/scheduled.js';
import { createSyncContext } from './runtime.js';
import type { SyncContext } from './sync/context.js';
import { handleMessage } from './sync/handle-message.js';
import { decodeMessage, MessageError } from './sync/pubsub-message.js';
import { createPublisher } from './webhook/publisher.js';
import { createWebhookHandler } from './webhook/receiver.js';

const ROLES: Record<string, ConfigRole> = {
  syncTodoistEvent: 'sync',
  todoistWebhook: 'webhook',
  reconcileTodoist: 'reconcile',
};

function servedTarget(): string | undefined {
  const flag = process.argv.find((a) => a.startsWith('--target='));
  return flag?.slice('--target='.length) ?? process.env['FUNCTION_TARGET'];
}

const bootLogger = createLogger();
const configs = new Map<ConfigRole, Config>();

function configFor(role: ConfigRole): Config {
  let config = configs.get(role);
  if (!config) {
    try {
      config = loadConfig(process.env, role);
    } catch (error) {
      if (isConfigError(error))
        bootLogger.critical(`configuration error: ${error.message}`, { variable: error.variable });
      throw error;
    }
    registerSecrets(secretsOf(config));
    configs.set(role, config);
  }
  return config;
}

function loggerFor(config: Config): Logger {
  return createLogger({ minSeverity: config.logLevel === 'WARNING' ? 'WARNING' : config.logLevel });
}

let syncContext: SyncContext | undefined;
function syncCtx(): SyncContext {
  if (!syncContext) {
    const config = configFor('sync');
    syncContext = createSyncContext(config, loggerFor(config));
  }
  return syncContext;
}

const target = servedTarget();
const role = target ? ROLES[target] : undefined;
if (role) {
  // Fail at start-up, not at the first event, when a variable is missing or malformed.
  configFor(role);
  // The duplicate audit runs in the background at low priority; it never delays or fails events.
  if (role === 'sync') void startStartupAudit(syncCtx());
}

functions.cloudEvent<unknown>('syncTodoistEvent', async (event: CloudEvent<unknown>) => {
  const ctx = syncCtx();
  let message: ReturnType<typeof decodeMessage>;
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
    await handleMessage(ctx, message);
  } catch (error) {
    throw retrySignal(error);
  }
});

/**
 * functions-framework prints a thrown error's `stack` to stderr as is; the handler has already
 * logged the failure, so the stack becomes one JSON line too and Cloud Logging stays structured.
 */
function retrySignal(error: unknown): Error {
  const signal = new Error(error instanceof Error ? error.message : String(error));
  const code = (error as { code?: unknown } | null)?.code;
  signal.stack = JSON.stringify({
    // Another instance still working on the same delivery is an expected race, not a problem.
    severity: code === 'delivery_in_progress' ? 'INFO' : 'WARNING',
    message: `message not acknowledged; Pub/Sub will redeliver it: ${signal.message}`,
    code,
  });
  return signal;
}

let reconcileContext: SyncContext | undefined;
function reconcileCtx(): SyncContext {
  if (!reconcileContext) {
    const config = configFor('reconcile');
    reconcileContext = createSyncContext(config, loggerFor(config));
  }
  return reconcileContext;
}

/** Cloud Scheduler → Pub/Sub tick: one reconcile; acked when done or when another run holds the lease. */
functions.cloudEvent<unknown>('reconcileTodoist', async () => {
  try {
    await handleReconcileTick(reconcileCtx());
  } catch (error) {
    throw retrySignal(error);
  }
});

let webhook: ReturnType<typeof createWebhookHandler> | undefined;
functions.http('todoistWebhook', async (req, res) => {
  if (!webhook) {
    const config = configFor('webhook');
    webhook = createWebhookHandler({
      secret: config.todoist.clientSecret ?? '',
      publish: createPublisher({ topic: config.pubsub.topic ?? '', projectId: config.pubsub.projectId }),
      logger: loggerFor(config),
    });
  }
  await webhook(req, res);
});
