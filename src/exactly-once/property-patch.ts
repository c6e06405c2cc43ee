import type { PropertyInput } from '../notion/types.js';
import { isStateError, type StateStore, type Stored } from '../state/store.js';
import { isContentionError, retryOnWriteRace } from '../state/write-race.js';
import { contentHash } from './content-hash.js';
import { type EntityDoc, putEntity, readEntity } from './entity-state.js';
import { docId } from './keys.js';

export interface StoredPropertyOptions {
  /** Change nothing if a task state other than this version was committed since the caller decided. */
  onlyAtVersion?: string | undefined;
  /**
   * True: the page already shows the value (written by the caller), so a settled state stays
   * settled. False: the caller applies the updated state itself (`applyEntity`).
   */
  written: boolean;
}

/**
 * Sets one property in a task's stored desired state (a Parent linked late, a Section relabelled),
 * so the stored hash keeps describing what Notion shows and a dry run sees no drift. An apply in
 * flight fails its fenced `markApplied` on this write and applies the updated state, so the value
 * is not written back to an old one. Returns the stored state, or undefined when the task is
 * unknown, deleted, or moved past `onlyAtVersion`.
 */
export async function setStoredProperty(
  store: StateStore,
  taskId: string,
  name: string,
  value: PropertyInput,
  options: StoredPropertyOptions,
): Promise<Stored<EntityDoc> | undefined> {
  return retryOnWriteRace(`task ${taskId}: setting ${name}`, async () => {
    const stored = await readEntity(store, 'todo', taskId);
    if (!stored || stored.data.deleted || stored.data.desired === null) return undefined;
    if (options.onlyAtVersion !== undefined && stored.data.version !== options.onlyAtVersion)
      return undefined;
    let properties: Record<string, PropertyInput>;
    try {
      properties = JSON.parse(stored.data.desired) as Record<string, PropertyInput>;
    } catch {
      return undefined;
    }
    properties[name] = value;
    const hash = contentHash(properties);
    const settled = stored.data.appliedHash === stored.data.desiredHash;
    const doc: EntityDoc = {
      ...stored.data,
      desired: JSON.stringify(properties),
      desiredHash: hash,
      appliedHash: options.written && settled ? hash : stored.data.appliedHash,
      applied: options.written
        ? withProperty(stored.data.applied, name, value)
        : (stored.data.applied ?? null),
    };
    try {
      return await putEntity(store, docId('todo', taskId), doc, stored.version);
    } catch (error) {
      if (isStateError(error, 'not_found')) return undefined;
      throw error;
    }
  }).catch((error: unknown) => {
    // Contended past the bound: reported like a task that moved on, which the caller already handles.
    if (isContentionError(error)) return undefined;
    throw error;
  });
}

/** The applied properties with one more written value (unchanged when they were never recorded). */
function withProperty(applied: string | null | undefined, name: string, value: PropertyInput): string | null {
  if (!applied) return null;
  try {
    return JSON.stringify({ ...(JSON.parse(applied) as Record<string, PropertyInput>), [name]: value });
  } catch {
    return null;
  }
}
