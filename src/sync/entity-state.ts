import { isStateError, isWriteRace, type StateStore, type Stored } from '../state/store.js';
import { docId, type StateKind } from './keys.js';
import { decide } from './ordering.js';

/**
 * What Notion should show for one entity, and what was last shown. Events commit their state
 * here first (newest wins, guarded by the document version); appliers then make Notion match.
 */
export interface EntityDoc {
  kind: StateKind;
  key: string;
  /** Ordering key of the newest accepted event or snapshot. */
  version: string;
  /** Tombstone: the entity was deleted; nothing older may revive it. */
  deleted: boolean;
  /** The Notion properties to show, as JSON (Firestore cannot hold nested arrays). */
  desired: string | null;
  desiredHash: string;
  /** Hash of the state last written to Notion; equal to desiredHash means nothing to do. */
  appliedHash: string | null;
  updatedAt: number;
}

export const ENTITIES = 'entities';

/** The desiredHash of a tombstone: an appliedHash equal to it means the sync trashed the page. */
export const TOMBSTONE_HASH = 'deleted';

export type CommitOutcome =
  | { verdict: 'apply' | 'duplicate'; stored: Stored<EntityDoc> }
  | { verdict: 'stale'; stored: Stored<EntityDoc> };

export interface Incoming {
  version: string;
  isDelete: boolean;
  /** A newer non-delete may lift a tombstone (projects unarchive; tasks never come back). */
  canRevive?: boolean;
  desired: string | null;
  desiredHash: string;
}

/** Commits an incoming state if it is the newest; reports `stale` (older) or `duplicate` (same) otherwise. */
export async function commitDesired(
  store: StateStore,
  kind: StateKind,
  key: string,
  incoming: Incoming,
  now: () => number = Date.now,
  /** The document as the caller just read it (null: absent), saving the first read. */
  known?: Stored<EntityDoc> | null,
): Promise<CommitOutcome> {
  const id = docId(kind, key);
  for (let round = 0; round < 20; round++) {
    const current =
      round === 0 && known !== undefined ? (known ?? undefined) : await store.get<EntityDoc>(ENTITIES, id);
    const verdict = decide(
      current ? { version: current.data.version, deleted: current.data.deleted } : undefined,
      {
        version: incoming.version,
        isDelete: incoming.isDelete,
        canRevive: incoming.canRevive ?? false,
      },
    );
    if (current && verdict !== 'apply') return { verdict, stored: current };
    const doc: EntityDoc = {
      kind,
      key: key.slice(0, 200),
      version: incoming.version,
      deleted: incoming.isDelete,
      desired: incoming.desired,
      desiredHash: incoming.desiredHash,
      appliedHash: current?.data.appliedHash ?? null,
      updatedAt: now(),
    };
    try {
      const stored = current
        ? await store.update(ENTITIES, id, doc, current.version)
        : await store.create(ENTITIES, id, doc);
      return { verdict: 'apply', stored };
    } catch (error) {
      if (!isWriteRace(error)) throw error;
    }
  }
  throw new Error(`entity ${kind} ${id}: too much contention committing state`);
}

/** Records that Notion now shows `stored`'s desired state; false when a newer state was committed meanwhile. */
export async function markApplied(
  store: StateStore,
  kind: StateKind,
  key: string,
  stored: Stored<EntityDoc>,
): Promise<boolean> {
  const id = docId(kind, key);
  try {
    await store.update(
      ENTITIES,
      id,
      { ...stored.data, appliedHash: stored.data.desiredHash },
      stored.version,
    );
    return true;
  } catch (error) {
    if (isStateError(error, 'precondition_failed')) return false;
    throw error;
  }
}

export async function readEntity(
  store: StateStore,
  kind: StateKind,
  key: string,
): Promise<Stored<EntityDoc> | undefined> {
  return store.get<EntityDoc>(ENTITIES, docId(kind, key));
}
