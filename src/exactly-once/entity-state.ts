import { isStateError, type StateStore, type Stored } from '../state/store.js';
import { retryOnWriteRace } from '../state/write-race.js';
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
  /**
   * The properties last written to Notion, per property, as JSON (two-way sync diffs a page
   * against it). Absent in states written before two-way existed.
   */
  applied?: string | null;
  updatedAt: number;
  /**
   * Wall-clock time of the last write of this document, whatever wrote it (see `putEntity`): what
   * a reconcile asks for since its index. Absent in documents written before the index existed.
   */
  writtenAt?: number | undefined;
  /** Hash of the mapping that produced `desired` (tasks; see mapping-fingerprint.ts). */
  fingerprint?: string | undefined;
  /** The Todoist fields `desired` was mapped from, as JSON (tasks): what a remap maps again. */
  source?: string | undefined;
}

export const ENTITIES = 'entities';

/** The desiredHash of a tombstone: an appliedHash equal to it means the sync trashed the page. */
export const TOMBSTONE_HASH = 'deleted';

/**
 * Every write of an entity document goes through here: it stamps `writtenAt` (never `updatedAt`,
 * which the ordering reads as commit time), so a reconcile's index misses no write. Creates when
 * `expectedVersion` is undefined, otherwise replaces at that version.
 */
export function putEntity(
  store: StateStore,
  id: string,
  doc: EntityDoc,
  expectedVersion: string | undefined,
): Promise<Stored<EntityDoc>> {
  const stamped: EntityDoc = { ...doc, writtenAt: Date.now() };
  return expectedVersion === undefined
    ? store.create(ENTITIES, id, stamped)
    : store.update(ENTITIES, id, stamped, expectedVersion);
}

/** Whether Notion already shows the state (no applier owes it a write). */
export function isShown(doc: EntityDoc): boolean {
  return doc.appliedHash === doc.desiredHash;
}

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
  /** Builds the state from the stored desired JSON (a sparse event keeps what it does not carry). */
  merge?:
    | ((previous: EntityDoc | null) => { desired: string; desiredHash: string; source?: string })
    | undefined;
  /** The mapping's fingerprint: the same version mapped differently is applied again, not a duplicate. */
  fingerprint?: string | undefined;
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
  return retryOnWriteRace(`entity ${kind} ${id}: committing state`, async (round) => {
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
    const remapped =
      verdict === 'duplicate' &&
      incoming.fingerprint !== undefined &&
      current?.data.fingerprint !== incoming.fingerprint;
    if (current && verdict !== 'apply' && !remapped) return { verdict, stored: current };
    const state: { desired: string | null; desiredHash: string; source?: string } = incoming.merge
      ? incoming.merge(current && !current.data.deleted ? current.data : null)
      : incoming;
    const doc: EntityDoc = {
      kind,
      key: key.slice(0, 200),
      version: incoming.version,
      deleted: incoming.isDelete,
      desired: state.desired,
      desiredHash: state.desiredHash,
      appliedHash: current?.data.appliedHash ?? null,
      applied: current?.data.applied ?? null,
      updatedAt: now(),
    };
    const fingerprint = incoming.fingerprint ?? current?.data.fingerprint;
    if (fingerprint !== undefined) doc.fingerprint = fingerprint;
    if (state.source !== undefined) doc.source = state.source;
    const stored = await putEntity(store, id, doc, current?.version);
    return { verdict: 'apply', stored };
  });
}

/**
 * Records that Notion now shows `stored`'s desired state: the state as written, or false when a
 * newer state was committed meanwhile.
 */
export async function markApplied(
  store: StateStore,
  kind: StateKind,
  key: string,
  stored: Stored<EntityDoc>,
): Promise<Stored<EntityDoc> | false> {
  const id = docId(kind, key);
  try {
    return await putEntity(
      store,
      id,
      { ...stored.data, appliedHash: stored.data.desiredHash, applied: stored.data.desired },
      stored.version,
    );
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
