/**
 * The functions of the package, each building its instance on first use from the
 * configuration of its role. Configuration is read once per role; the served role's is read at
 * once, so a bad variable stops start-up with a line naming it rather than failing the first event.
 */

import type { CloudEvent, HttpFunction } from '@google-cloud/functions-framework';
import { startStartupAudit } from './audit/startup-audit.js';
import { type Config, type ConfigRole, isConfigError, loadConfig, secretsOf } from './config/index.js';
import type { ServeOptions } from './config/invocation.js';
import type { SyncContext } from './handlers/context.js';
import { handleMessage } from './handlers/handle-message.js';
import { handleNotionMessage } from './handlers/notion-event.js';
import { decodeMessage, type InboundMessage, MessageError } from './handlers/pubsub-message.js';
import { createLogger, type Logger } from './log/logger.js';
import { handleReconcileTick } from './reconcile/scheduled.js';
import { createSyncContext } from './runtime.js';
import { createNotionWebhookHandler } from './webhook/notion-receiver.js';
import { notionSignatureCheck } from './webhook/notion-signature.js';
import { createPublisher } from './webhook/publisher.js';
import { createWebhookHandler } from './webhook/receiver.js';

/** The handlers to register with functions-framework, by function name. */
export interface FunctionHandlers {
  syncTodoistEvent(event: CloudEvent<unknown>): Promise<void>;
  syncNotionEvent(event: CloudEvent<unknown>): Promise<void>;
  reconcileTodoist(event: CloudEvent<unknown>): Promise<void>;
  todoistWebhook: HttpFunction;
  notionWebhook: HttpFunction;
}

/** Builds the handlers of one process; only the served role is configured (and audited) up front. */
export function createFunctionHandlers(
  serve: ServeOptions,
  bootLogger: Logger = createLogger(),
): FunctionHandlers {
  const configs = new Map<ConfigRole, Config>();
  const configFor = (role: ConfigRole): Config => {
    let config = configs.get(role);
    if (!config) {
      try {
        config = loadConfig(serve.env, role);
      } catch (error) {
        if (isConfigError(error))
          bootLogger.critical(`configuration error: ${error.message}`, { variable: error.variable });
        throw error;
      }
      configs.set(role, config);
    }
    return config;
  };
  const loggerFor = (config: Config): Logger =>
    createLogger({
      minSeverity: config.logLevel === 'WARNING' ? 'WARNING' : config.logLevel,
      secrets: secretsOf(config),
    });
  type ContextRole = 'sync' | 'reconcile' | 'notion-sync';
  const contexts = new Map<ContextRole, SyncContext>();
  const contextFor = (role: ContextRole): SyncContext => {
    let ctx = contexts.get(role);
    if (!ctx) {
      const config = configFor(role);
      ctx = createSyncContext(config, loggerFor(config));
      contexts.set(role, ctx);
    }
    return ctx;
  };
  let webhook: HttpFunction | undefined;
  let notionReceiver: HttpFunction | undefined;

  if (serve.role) {
    configFor(serve.role);
    // The duplicate audit runs in the background at low priority; it never delays or fails events.
    if (serve.role === 'sync') void startStartupAudit(contextFor('sync'));
  }

  return {
    syncTodoistEvent: (event) => consume(contextFor('sync'), event, handleMessage),
    syncNotionEvent: (event) => consume(contextFor('notion-sync'), event, handleNotionMessage),
    async reconcileTodoist() {
      try {
        await handleReconcileTick(contextFor('reconcile'));
      } catch (error) {
        throw retrySignal(error);
      }
    },
    async todoistWebhook(req, res) {
      if (!webhook) {
        const config = configFor('webhook');
        webhook = createWebhookHandler({
          secret: config.todoist.clientSecret ?? '',
          publish: createPublisher({ topic: config.pubsub.topic ?? '', projectId: config.pubsub.projectId }),
          logger: loggerFor(config),
        });
      }
      await webhook(req, res);
    },
    async notionWebhook(req, res) {
      if (!notionReceiver) {
        const config = configFor('notion-webhook');
        const secret = config.twoWay.webhookSecret;
        notionReceiver = createNotionWebhookHandler({
          verify: secret ? notionSignatureCheck(secret) : undefined,
          publish: createPublisher({ topic: config.twoWay.topic ?? '', projectId: config.pubsub.projectId }),
          logger: loggerFor(config),
        });
      }
      await notionReceiver(req, res);
    },
  };
}

/**
 * Decodes a Pub/Sub CloudEvent and hands it to a handler: a message that cannot be read is
 * logged and acked (poison); a handler failure becomes a retry signal.
 */
async function consume(
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

/**
 * functions-framework prints a thrown error's `stack` to stderr as is; the handler has already
 * logged the failure, so the stack becomes one JSON line too and Cloud Logging stays structured.
 */
function retrySignal(error: unknown): Error {
  const signal = new Error(error instanceof Error ? error.message : String(error));
  const code = (error as { code?: unknown } | null)?.code;
  signal.stack = JSON.stringify({
    // Another instance still working on the same delivery, or a Notion edit waiting for a Todoist
    // webhook already on its way, is an expected race, not a problem.
    severity: code === 'delivery_in_progress' || code === 'todoist_change_pending' ? 'INFO' : 'WARNING',
    message: `message not acknowledged; Pub/Sub will redeliver it: ${signal.message}`,
    code,
  });
  return signal;
}
