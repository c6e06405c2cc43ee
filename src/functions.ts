/**
 * The functions of the package. Each one's module graph is imported on first use (the served
 * target's at start-up), so a process loads only what its own function uses: the webhook never
 * loads Firestore or the Notion layer, the sync never loads the Pub/Sub publisher. Configuration is
 * read once per role; the served role's is read at once, so a bad variable stops start-up with a
 * line naming it rather than failing the first event. A new function is one more `lazy` entry
 * (and one more name in scripts/bundle.ts, which bundles each function apart from this file: an
 * error a handler throws is then of another copy's class, so it is passed on here, never narrowed).
 */

import type { CloudEvent, HttpFunction } from '@google-cloud/functions-framework';
import { type Config, type ConfigRole, isConfigError, loadConfig, secretsOf } from './config/index.js';
import type { ServeOptions } from './config/invocation.js';
import { type FirstEventGc, holdFirstMajorGc, processV8Flags, type SetV8Flags } from './first-event-gc.js';
import { createLogger, type Logger } from './log/logger.js';
import { type LeaveDomain, leaveRequestDomain } from './request-domain.js';

/** The handlers to register with functions-framework, by function name. */
export interface FunctionHandlers {
  syncTodoistEvent(event: CloudEvent<unknown>): Promise<void>;
  syncNotionEvent(event: CloudEvent<unknown>): Promise<void>;
  reconcileTodoist(event: CloudEvent<unknown>): Promise<void>;
  todoistWebhook: HttpFunction;
  notionWebhook: HttpFunction;
}

type Build<H> = (config: Config, logger: Logger) => H;

/**
 * Builds the handlers of one process; only the served role is configured (and loaded) up front.
 * A serving process also keeps V8's first major collection out of its first event
 * (first-event-gc.ts), and a Pub/Sub event's work runs outside functions-framework's per-request
 * domain (request-domain.ts); `setV8Flags` and `leaveDomain` are the process's own unless a test
 * passes them.
 */
export function createFunctionHandlers(
  serve: ServeOptions,
  bootLogger: Logger = createLogger(),
  setV8Flags: SetV8Flags = processV8Flags(),
  leaveDomain: LeaveDomain = leaveRequestDomain,
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
  /** The handler of `role`, imported and built once; a failed import is tried again next time. */
  const lazy = <H>(role: ConfigRole, load: () => Promise<Build<H>>) => {
    let built: Promise<H> | undefined;
    return (): Promise<H> => {
      built ??= Promise.resolve()
        .then(() => configFor(role))
        .then(async (config) => (await load())(config, loggerFor(config)))
        .catch((error: unknown) => {
          built = undefined;
          throw error;
        });
      return built;
    };
  };
  const handlers = {
    sync: lazy('sync', async () => (await import('./functions/sync-function.js')).createSyncFunction),
    reconcile: lazy(
      'reconcile',
      async () => (await import('./functions/reconcile-function.js')).createReconcileFunction,
    ),
    webhook: lazy(
      'webhook',
      async () => (await import('./functions/webhook-function.js')).createWebhookFunction,
    ),
    'notion-sync': lazy(
      'notion-sync',
      async () => (await import('./functions/notion-sync-function.js')).createNotionSyncFunction,
    ),
    'notion-webhook': lazy(
      'notion-webhook',
      async () => (await import('./functions/notion-webhook-function.js')).createNotionWebhookFunction,
    ),
  } satisfies Partial<Record<ConfigRole, unknown>>;

  let gc: FirstEventGc | undefined;
  if (serve.role) {
    configFor(serve.role);
    gc = holdFirstMajorGc(setV8Flags);
    const served = handlers[serve.role as keyof typeof handlers] as (() => Promise<unknown>) | undefined;
    // Loading now overlaps functions-framework's own start-up; a failure surfaces on the first event.
    served?.().catch(() => undefined);
  }

  /** `call`, then the first answer of the process lets V8 collect again. */
  const answered = async <T>(call: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } finally {
      gc?.release();
    }
  };
  /** A Pub/Sub event's work, outside the request's domain; the webhooks, small and many at once, keep it. */
  const pushed = <T>(call: () => Promise<T>): Promise<T> => {
    // Before anything of the event is made: what is made while the domain is active stays paired with it.
    leaveDomain();
    return answered(call);
  };
  return {
    syncTodoistEvent: (event) => pushed(async () => (await handlers.sync())(event)),
    reconcileTodoist: (event) => pushed(async () => (await handlers.reconcile())(event)),
    syncNotionEvent: (event) => pushed(async () => (await handlers['notion-sync']())(event)),
    todoistWebhook: (req, res) => answered(async () => (await handlers.webhook())(req, res)),
    notionWebhook: (req, res) => answered(async () => (await handlers['notion-webhook']())(req, res)),
  };
}

function loggerFor(config: Config): Logger {
  return createLogger({
    minSeverity: config.logLevel === 'WARNING' ? 'WARNING' : config.logLevel,
    secrets: secretsOf(config),
  });
}
