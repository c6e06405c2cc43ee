import { AppError } from '../errors.js';
import type { EnsureOnce } from '../exactly-once/ensure-once.js';
import type { EntityKind } from '../exactly-once/keys.js';
import type { SyncContext } from '../handlers/context.js';
import type { NotionApi } from '../notion/types.js';
import type { StateStore } from '../state/store.js';

/** A dry run tried to write: a bug in the planner, never a change made. */
export class DryRunWriteError extends AppError<'dry_run_write'> {
  constructor(what: string) {
    super('dry_run_write', `dry run refused a write: ${what}`);
  }
}

export function isDryRunWriteError(value: unknown): value is DryRunWriteError {
  return value instanceof DryRunWriteError;
}

/** A page a dry run would have to create or adopt (an area, a project) to link a task to it. */
export interface WouldEnsure {
  kind: EntityKind;
  key: string;
}

const placeholder = (kind: EntityKind, key: string) => `dry-run:${kind}:${key}`;

function readOnlyNotion(notion: NotionApi): NotionApi {
  return {
    query: (...args) => notion.query(...args),
    queryAll: (...args) => notion.queryAll(...args),
    retrievePage: (...args) => notion.retrievePage(...args),
    schema: (...args) => notion.schema(...args),
    stats: () => notion.stats(),
    createPage: async () => {
      throw new DryRunWriteError('POST /v1/pages');
    },
    updatePage: async (pageId) => {
      throw new DryRunWriteError(`PATCH /v1/pages/${pageId}`);
    },
  };
}

function readOnlyStore(store: StateStore): StateStore {
  return {
    get: (collection, id) => store.get(collection, id),
    list: (collection) => store.list(collection),
    listSince: (collection, field, sinceMs) => store.listSince(collection, field, sinceMs),
    create: async (collection) => {
      throw new DryRunWriteError(`create in ${collection}`);
    },
    update: async (collection) => {
      throw new DryRunWriteError(`update in ${collection}`);
    },
    remove: async (collection) => {
      throw new DryRunWriteError(`remove in ${collection}`);
    },
    close: async () => undefined,
  };
}

/**
 * Relations resolve from what the store already knows (no claim, no look-up, no create); a page
 * that would have to be made gets a placeholder id, which makes the task's hash differ as it should.
 */
function readOnlyEnsure(ensure: EnsureOnce, missing: (item: WouldEnsure) => void): EnsureOnce {
  return {
    async ensure(kind, key) {
      const pageId = await ensure.peek(kind, key);
      if (pageId) return { pageId, created: false };
      missing({ kind, key });
      return { pageId: placeholder(kind, key), created: false };
    },
    find: (kind, key) => ensure.peek(kind, key),
    peek: (kind, key) => ensure.peek(kind, key),
    invalidate: async (kind) => {
      throw new DryRunWriteError(`invalidate a ${kind} claim`);
    },
    point: async (kind) => {
      throw new DryRunWriteError(`point a ${kind} claim`);
    },
  };
}

/** The same context, unable to write to Notion or the store; records pages it would ensure. */
export function readOnlyContext(ctx: SyncContext, missing: (item: WouldEnsure) => void): SyncContext {
  return {
    ...ctx,
    notion: readOnlyNotion(ctx.notion),
    store: readOnlyStore(ctx.store),
    ensure: readOnlyEnsure(ctx.ensure, missing),
    brake: undefined,
  };
}
