import { type EntityDoc, readEntity } from '../exactly-once/entity-state.js';
import type { StateKind } from '../exactly-once/keys.js';
import type { Stored } from '../state/store.js';
import type { SyncContext } from './context.js';

/*
 * The same change can arrive twice at once under different delivery ids: a shared project's task
 * comes once per member's webhook. The second copy finds the state committed (a duplicate) but not
 * yet shown, because the first copy's applier is still writing. Applying it too would repeat that
 * write, so the copy waits for the applier instead; only a state left unshown past the claim
 * lease (its applier died) is applied by the copy.
 *
 *   copy A: commit v ── create/patch ───────── markApplied
 *   copy B:    duplicate v, unshown ── wait ─────────────── shown → unchanged
 */

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const unshown = (doc: EntityDoc) => doc.appliedHash !== doc.desiredHash;

/**
 * Waits while another applier is showing `stored` (committed within the lease, not yet shown).
 * Returns undefined once it is shown or a newer state took over (nothing left for this copy), or
 * the state to apply when its applier seems gone.
 */
export async function awaitOtherApplier(
  ctx: SyncContext,
  kind: StateKind,
  key: string,
  stored: Stored<EntityDoc>,
): Promise<Stored<EntityDoc> | undefined> {
  const leaseMs = ctx.config.state.leaseMs;
  let current = stored;
  let delay = 50;
  while (unshown(current.data) && ctx.now() - current.data.updatedAt < leaseMs) {
    await sleep(delay);
    delay = Math.min(delay * 2, 1_000);
    const next = await readEntity(ctx.store, kind, key);
    if (!next || next.data.version !== stored.data.version) return undefined;
    current = next;
  }
  return unshown(current.data) ? current : undefined;
}
