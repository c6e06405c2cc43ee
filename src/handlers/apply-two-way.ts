import { canonicalJson, contentHash } from '../exactly-once/content-hash.js';
import { type EntityDoc, putEntity } from '../exactly-once/entity-state.js';
import { docId, type EntityKind } from '../exactly-once/keys.js';
import { fieldEquals, readPageFields, SYNCED_FIELDS, SYNCED_PROPERTIES } from '../mapping/page-fields.js';
import type { PropertyInput } from '../notion/types.js';
import { isStateError, type Stored } from '../state/store.js';
import type { SyncContext } from './context.js';

type Properties = Record<string, PropertyInput>;

/** What a two-way write did: the properties the page now shows as we wrote them, and whether all were written. */
export interface TwoWayWrite {
  applied: Properties;
  settled: boolean;
}

const parse = (json: string | null | undefined): Properties | undefined => {
  if (!json) return undefined;
  try {
    return JSON.parse(json) as Properties;
  } catch {
    return undefined;
  }
};

const PROPERTY_FIELD = new Map(SYNCED_FIELDS.map((f) => [SYNCED_PROPERTIES[f] as string, f]));

/**
 * Todoist → Notion with two-way on: write only the properties Todoist changed since our last
 * write, so an edit made in Notion to another property is never overwritten. A property the
 * person also changed in Notion (the page shows neither our last value nor Todoist's) is left
 * for the Notion event, which knows when the edit happened and settles it by the later change.
 */
export async function writeChangedProperties(
  ctx: SyncContext,
  pageId: string,
  state: EntityDoc,
  /** Writes properties to the page (dropping one Notion refuses, as every page write does). */
  write: (properties: Properties) => Promise<unknown>,
): Promise<TwoWayWrite> {
  const desired = parse(state.desired) ?? {};
  const applied = parse(state.applied);
  if (!applied) {
    await write(desired);
    return { applied: desired, settled: true };
  }
  const changed = Object.keys(desired).filter(
    (name) => canonicalJson(desired[name]) !== canonicalJson(applied[name]),
  );
  const watched = changed.filter((name) => PROPERTY_FIELD.has(name));
  const deferred = new Set<string>();
  if (watched.length > 0) {
    const page = readPageFields((await ctx.notion.retrievePage(pageId)).properties);
    const want = readPageFields(desired);
    const last = readPageFields(applied);
    for (const name of watched) {
      const field = PROPERTY_FIELD.get(name);
      if (!field) continue;
      const [now, mine, theirs] = [page[field], last[field], want[field]];
      if (now === undefined || mine === undefined || theirs === undefined) continue;
      if (fieldEquals(field, now, theirs)) continue;
      if (!fieldEquals(field, now, mine)) deferred.add(name);
    }
  }
  const patch: Properties = {};
  for (const name of changed) if (!deferred.has(name)) patch[name] = desired[name] as PropertyInput;
  if (Object.keys(patch).length > 0) await write(patch);
  if (deferred.size > 0)
    ctx.logger.info('properties edited on both sides are left for the Notion event to settle', {
      pageId,
      properties: [...deferred],
    });
  return { applied: { ...applied, ...patch }, settled: deferred.size === 0 };
}

/** Records a two-way write, fenced like markApplied; false when a newer state was committed meanwhile. */
export async function markWritten(
  ctx: SyncContext,
  kind: EntityKind,
  key: string,
  stored: Stored<EntityDoc>,
  write: TwoWayWrite,
): Promise<boolean> {
  const doc: EntityDoc = {
    ...stored.data,
    applied: JSON.stringify(write.applied),
    appliedHash: write.settled ? stored.data.desiredHash : contentHash(write.applied),
  };
  try {
    await putEntity(ctx.store, docId(kind, key), doc, stored.version);
    return true;
  } catch (error) {
    if (isStateError(error, 'precondition_failed')) return false;
    throw error;
  }
}
