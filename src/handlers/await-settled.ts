import { type EntityDoc, isShown, readEntity } from '../exactly-once/entity-state.js';
import type { StateKind } from '../exactly-once/keys.js';
import type { Stored } from '../state/store.js';
import type { SyncContext } from './context.js';

/*
 * The same change can arrive twice at once under different delivery ids: a shared project's task
 * comes once per member's webhook. The second copy finds the state committed (a duplicate) but not
 * yet shown, because the first copy's applier is still writing. Applying it too would repeat that
 * write, so the copy waits briefly for the applier instead; a state still unshown after that (its
 * applier failed or died) is applied by the copy.
 *
 *   copy A: commit v ── create/patch ───────── markApplied
 *   copy B:    duplicate v, unshown ── wait ─────────────── shown → unchanged
 */

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const unshown = (doc: EntityDoc) => !isShown(doc);

/**
 * Pauses between reads, about 2.5 s in all: a live applier's write takes well under that, and a
 * state whose applier failed (a refused create, a transient error Pub/Sub retries) is then applied
 * by this copy after a short delay rather than after the whole lease.
 */
const PAUSES_MS = [50, 100, 200, 400, 800, 1_000];

/**
 * Waits while another applier may be showing `stored` (committed within the lease, not yet shown).
 * Returns undefined once it is shown or a newer state took over (nothing left for this copy), or
 * the state to apply when it stays unshown.
 */
export async function awaitOtherApplier(
  ctx: SyncContext,
  kind: StateKind,
  key: string,
  stored: Stored<EntityDoc>,
): Promise<Stored<EntityDoc> | undefined> {
  const fresh = (doc: EntityDoc) => ctx.now() - doc.updatedAt < ctx.config.state.leaseMs;
  let current = stored;
  for (const pause of PAUSES_MS) {
    if (!unshown(current.data) || !fresh(current.data)) break;
    await sleep(pause);
    const next = await readEntity(ctx.store, kind, key);
    if (!next || next.data.version !== stored.data.version) return undefined;
    current = next;
  }
  return unshown(current.data) ? current : undefined;
}
