/**
 * What a sync instance starts around its events rather than at start-up: the schema read an event
 * needs, as the event arrives, and the duplicate audit once the instance's first event is handled.
 * A cold instance thus sends nothing to Notion before an event asks for it, and its first event
 * does not share Notion's 3 requests/s with the audit's queries.
 */
import type { SyncContext } from '../handlers/context.js';
import type { InboundMessage } from '../handlers/pubsub-message.js';
import type { DatabaseKey } from '../notion/types.js';

/** Databases whose schema an event of this name reads before its first Notion write. */
export function schemasFor(eventName: string | undefined): DatabaseKey[] {
  // A deletion only trashes the page: it maps no property, so it reads no schema.
  if (eventName === undefined || eventName === 'item:deleted') return [];
  // A renamed section relabels its Todo pages; other section events touch no page.
  if (eventName.startsWith('item:') || eventName === 'section:updated') return ['todos'];
  if (eventName === 'project:added' || eventName === 'project:updated') return ['projects'];
  return [];
}

/** The Todoist event name, from the message attribute or else the body (undefined when neither says). */
export function eventNameOf(message: InboundMessage): string | undefined {
  const attribute = message.attributes['eventName'];
  if (attribute) return attribute;
  try {
    const name: unknown = (JSON.parse(message.body.toString('utf8')) as { event_name?: unknown } | null)
      ?.event_name;
    return typeof name === 'string' ? name : undefined;
  } catch {
    // A body that is not JSON is the handler's to report as poison.
    return undefined;
  }
}

/**
 * Starts the schema reads `message` will need, so they overlap the event's first store calls
 * instead of following them. Shared with the handler's own reads; a failure is left to it.
 */
export function warmSchemas(ctx: Pick<SyncContext, 'properties'>, message: InboundMessage): void {
  for (const db of schemasFor(eventNameOf(message))) ctx.properties(db).catch(() => undefined);
}

/**
 * Returns a function to call after each event: the first call starts the start-up duplicate
 * audit in the background, once the event's answer is out (its module is loaded only then); later
 * calls do nothing.
 */
export function auditAfterFirstEvent(ctx: SyncContext): () => void {
  let started = false;
  return () => {
    if (started || !ctx.config.audit.onStart) return;
    started = true;
    // On the next turn: `import()` compiles the module before it returns, which would delay the
    // first event's answer that functions-framework writes once this handler's promise settles.
    setImmediate(() => {
      import('../audit/startup-audit.js')
        .then(({ startStartupAudit }) => startStartupAudit(ctx))
        .catch((error: unknown) => {
          ctx.logger.warn('start-up duplicate audit could not start', { audit: true, error });
        });
    });
  };
}
