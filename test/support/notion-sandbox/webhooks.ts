/**
 * Notion-shaped webhook events for page changes, signed like Notion's (`X-Notion-Signature:
 * sha256=<hex HMAC of the raw body keyed by the verification token>`), delivered like Notion's:
 * changes to one page within a window collapse into one event (a created-then-trashed page into
 * none), delivery is at least once with up to 8 attempts and backoff, and a fault switch
 * duplicates events or delivers a batch out of order.
 */
import { createHmac, randomUUID } from 'node:crypto';
import type { Author, PageChange } from './store.js';
import type { DatabaseKey } from './types.js';

/** Webhook settings of a sandbox (`POST /__sandbox/webhooks`). */
export interface WebhookSettings {
  /** Where events go; none are sent while unset. */
  url?: string;
  verificationToken?: string;
  /** How long changes of one page are collected into one event (Notion: usually under a minute). */
  windowMs?: number;
  /** Share (0..1) of events delivered twice. */
  duplicateRate?: number;
  /** Deliver each flushed batch in reverse order. */
  reorder?: boolean;
  /** Only pages of these databases produce events (default: all). */
  databases?: DatabaseKey[];
}

export interface WebhookStats {
  events: number;
  deliveries: number;
  failedAttempts: number;
  pending: number;
}

interface Pending {
  pageId: string;
  db: DatabaseKey;
  kinds: Set<PageChange['kind']>;
  authors: Map<string, Author>;
  propertyIds: Set<string>;
  at: number;
  timer: NodeJS.Timeout;
}

/** Signs a body as Notion does. */
export function notionSignature(body: string, token: string): string {
  return `sha256=${createHmac('sha256', token).update(body).digest('hex')}`;
}

/** The event type a collapsed run of changes becomes, or undefined when it nets to nothing. */
function collapse(kinds: Set<PageChange['kind']>): string | undefined {
  if (kinds.has('created')) return kinds.has('trashed') ? undefined : 'page.created';
  if (kinds.has('trashed') && !kinds.has('restored')) return 'page.deleted';
  if (kinds.has('restored') && !kinds.has('trashed')) return 'page.undeleted';
  return 'page.properties_updated';
}

export function createWebhookEmitter(databaseIdOf: (db: DatabaseKey) => string) {
  let settings: WebhookSettings = {};
  const pending = new Map<string, Pending>();
  const inFlight = new Set<Promise<void>>();
  const stats: WebhookStats = { events: 0, deliveries: 0, failedAttempts: 0, pending: 0 };
  let seed = 7;
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };

  async function deliver(body: string): Promise<void> {
    const { url, verificationToken = '' } = settings;
    if (!url) return;
    for (let attempt = 1; attempt <= 8; attempt++) {
      const sent = body.replace('"attempt_number":1', `"attempt_number":${attempt}`);
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-notion-signature': notionSignature(sent, verificationToken),
          },
          body: sent,
        });
        await res.arrayBuffer();
        if (res.status === 200) {
          stats.deliveries += 1;
          return;
        }
      } catch {
        // A refused connection is a failed attempt, as for Notion.
      }
      stats.failedAttempts += 1;
      await new Promise((r) => setTimeout(r, 100 * 2 ** attempt));
    }
  }

  function flush(pageId: string): void {
    const p = pending.get(pageId);
    if (!p) return;
    pending.delete(pageId);
    clearTimeout(p.timer);
    stats.pending = pending.size;
    const type = collapse(p.kinds);
    if (!type) return;
    const event = {
      id: randomUUID(),
      timestamp: new Date(p.at).toISOString(),
      workspace_id: 'sandbox-workspace',
      workspace_name: 'Sandbox',
      subscription_id: 'sandbox-subscription',
      integration_id: 'sandbox-integration',
      type,
      authors: [...p.authors.values()],
      attempt_number: 1,
      api_version: '2025-09-03',
      entity: { id: pageId, type: 'page' },
      data: {
        parent: { id: databaseIdOf(p.db), type: 'database' },
        ...(type === 'page.properties_updated' ? { updated_properties: [...p.propertyIds] } : {}),
      },
    };
    const body = JSON.stringify(event);
    stats.events += 1;
    const copies = settings.duplicateRate && random() < settings.duplicateRate ? 2 : 1;
    for (let i = 0; i < copies; i++) {
      const job = deliver(body).finally(() => inFlight.delete(job));
      inFlight.add(job);
    }
  }

  return {
    settings: () => ({ ...settings }),
    configure(next: WebhookSettings) {
      settings = { ...settings, ...next };
    },
    stats: () => ({ ...stats, pending: pending.size }),
    /** Hears a page change; the event follows when the page's window closes. */
    record(change: PageChange) {
      if (!settings.url) return;
      if (settings.databases && !settings.databases.includes(change.db)) return;
      let p = pending.get(change.pageId);
      if (!p) {
        p = {
          pageId: change.pageId,
          db: change.db,
          kinds: new Set(),
          authors: new Map(),
          propertyIds: new Set(),
          at: Date.now(),
          timer: setTimeout(() => flush(change.pageId), settings.windowMs ?? 300),
        };
        pending.set(change.pageId, p);
      }
      p.kinds.add(change.kind);
      p.authors.set(change.author.id, change.author);
      for (const id of change.propertyIds) p.propertyIds.add(id);
      // Notion's timestamp is when the (last) change happened.
      p.at = Date.now();
      stats.pending = pending.size;
    },
    /** Closes every window now (reordered when the fault says so); resolves once all are delivered. */
    async flushAll() {
      const ids = [...pending.keys()];
      for (const id of settings.reorder ? ids.reverse() : ids) flush(id);
      await Promise.all([...inFlight]);
    },
    /** Sends Notion's one-time verification request. */
    async verify(): Promise<number> {
      if (!settings.url) return 0;
      const res = await fetch(settings.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ verification_token: settings.verificationToken ?? '' }),
      });
      await res.arrayBuffer();
      return res.status;
    },
    close() {
      for (const p of pending.values()) clearTimeout(p.timer);
      pending.clear();
    },
  };
}

export type WebhookEmitter = ReturnType<typeof createWebhookEmitter>;
