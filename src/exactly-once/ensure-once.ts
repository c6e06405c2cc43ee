import type { Logger } from '../log/logger.js';
import { isOutcomeUnknown } from '../notion/errors.js';
import { isStateError, isWriteRace, type StateStore, type Stored } from '../state/store.js';
import { CLAIMS, type ClaimDoc, EnsureError, isEnsureError } from './claim-doc.js';
import { type ClaimHandle, holdClaim } from './claim-handle.js';
import { docId, type EntityKind, type StateKind } from './keys.js';
import { type Acquired, acquireRecord, type LeaseRules, leasePhase } from './lease-record.js';
import { LruMap } from './lru-map.js';

export { CLAIMS, type ClaimDoc, EnsureError, type EnsureErrorCode, isEnsureError } from './claim-doc.js';

/*
 * ensure-once(kind, key) → Notion page id, across processes, with Notion as an index that lags.
 *
 * The claim document (collection `claims`, id = hash(kind, key)) is the only arbiter; Notion has
 * no unique constraint. Its lease rules (takeover after expiry, fencing) live in lease-record.ts
 * and lease-holder.ts. Nothing below runs inside a Firestore transaction: a transaction callback
 * may run many times, and a Notion create inside one is a duplicate generator.
 *
 *   owner A                         claim doc                         owner B
 *   ───────                         ─────────                         ───────
 *   create() ───────────────► pending{A, lease t0+L, attempts 1, lastAttempt t0}
 *                                                                     create() ✗ ALREADY_EXISTS + claim
 *   lookup in Notion: none (none for a task just born)                wait (backoff) ...
 *   (heartbeat: update ─────► lease now+L, every L/3 while A works)
 *   limiter admits POST: lease left ≥ timeout + lag? else do not send
 *   POST /v1/pages ··· ✗ response lost (outcome unknown)
 *   update(v1) ─────────────► pending{A, attempts 1, lastAttempt t1}  (fencing: fails if A lost it)
 *   sleep until t1 + indexLag; lookup: found ─┐
 *   update(v2) ─────────────► ready{pageId}  ◄┘                       get(): ready → pageId
 *
 *   If A dies or stalls anywhere above, B waits until the lease ends, then takes the claim over
 *   with an update guarded by the version it read (only one taker wins). A create leaves only
 *   while the lease covers its timeout plus the index lag, so by the end of the lease any page A
 *   made is visible: B's look-up adopts it. Because `attempts > 0`, B also waits lastAttempt +
 *   indexLag before it looks. Finalise is fenced; a page made under a lost claim is adopted or
 *   trashed, never left live. A later create is recorded (attempts + 1, fenced) before it leaves.
 *
 *   The claim an ensure creates already carries the intent of its first create (attempts 1), which
 *   saves a write before that create. Recording an intent early is safe: admission is unchanged, so
 *   a successor still trusts what Notion shows once the lease is over, and an early lastAttempt only
 *   shortens a wait that ends before the lease anyway. A successor cannot tell an intent from a
 *   create sent, so it counts it as one and looks. The owner knows: it neither waits the index lag
 *   for its own unsent intent nor counts it against the attempts limit, and a create held back or
 *   failed before it was sent puts back the count of creates that may really have left. A `find`
 *   never records an intent.
 *
 * In one process one flight owns a key at a time, whatever the caller: `find` joins an `ensure`
 * in flight, an `ensure` waits for a `find` in flight and then continues, and `invalidate` and
 * `point` wait for the flight too. A `find` gives back a claim it took without removing any
 * record of an earlier owner's creates.
 */

/** How ensure-once talks to Notion for one key. */
export interface EnsureOps {
  /** Finds an existing live page for the key (the index may lag); the canonical one's id. */
  lookup(): Promise<string | undefined>;
  /**
   * Creates the page and returns its id; a lost response throws an outcome-unknown error. `admit`
   * must be called when Notion's limiter lets the request leave (`beforeSend`): it throws when the
   * claim's lease no longer covers the request. Absent for `find`, which never makes a page.
   */
  create?(admit: () => void): Promise<string>;
  /** Trashes a page this call created but lost to another owner's page. */
  discard?(pageId: string): Promise<void>;
  /**
   * The caller knows the entity was just born (a task's `item:added`): when this call also made the
   * claim and no create ran under it, no page can exist yet, so the look-up before the create is skipped.
   * Its claim is almost never there yet either: it is created without a read first (read back if it exists).
   */
  born?: boolean;
  /**
   * The key's claim as the caller read it beside its own work, taken instead of this call's first
   * read. Every write it leads to is guarded by its version (or is a create), so a claim changed
   * since costs a round, never a second page.
   */
  claim?: Promise<Stored<ClaimDoc> | undefined>;
}

export interface EnsureResult {
  pageId: string;
  /** True when this call created the page (false when it was found, cached or adopted). */
  created: boolean;
}

type SharedResult = EnsureResult & { creator?: EnsureOps };

export interface EnsureOnceDeps {
  store: StateStore;
  logger: Logger;
  /** This instance's identity in claims. */
  owner: string;
  leaseMs: number;
  indexLagMs: number;
  /** Notion's request timeout: a create leaves only with this plus the index lag of lease left. */
  requestTimeoutMs?: number;
  /** How long a waiting caller waits for another owner before asking for a retry. */
  maxWaitMs?: number;
  maxCreateAttempts?: number;
  memoSize?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** Claims of page kinds by default; comments instantiate it with `'comment'` (a block id per comment). */
export interface EnsureOnce<K extends StateKind = EntityKind> {
  ensure(
    kind: K,
    key: string,
    ops: EnsureOps & { create(admit: () => void): Promise<string> },
  ): Promise<EnsureResult>;
  /**
   * The live page for a key if one exists: cached, being created by another owner (waited for),
   * or found in Notion (adopted). Never creates.
   */
  find(kind: K, key: string, lookup: () => Promise<string | undefined>): Promise<string | undefined>;
  /** The page id already known for a key (memo, then store), without claiming anything. */
  peek(kind: K, key: string): Promise<string | undefined>;
  /** Forgets a page found trashed or gone, so the next ensure finds or creates a live one. */
  invalidate(kind: K, key: string, pageId: string): Promise<void>;
  /**
   * Points a key at a page (cleanup's canonical choice, a Todo made in Notion). Waits while another
   * live owner holds the key, and answers the page the key pointed at before when it was another,
   * for the caller to trash.
   */
  point(kind: K, key: string, pageId: string): Promise<string | undefined>;
}

interface Flight {
  creates: boolean;
  promise: Promise<SharedResult | undefined>;
}

/** Caps the doubling quiet period before a create past the attempts limit (2^8 index lags). */
const MAX_QUIET_DOUBLINGS = 8;

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Waits with jitter, 40 ms doubling to 500 ms: how a caller waits for another owner's claim. */
function backoff(sleep: (ms: number) => Promise<void>): () => Promise<void> {
  let delay = 40;
  return async () => {
    await sleep(delay / 2 + Math.random() * delay);
    delay = Math.min(delay * 2, 500);
  };
}

/** Creates the exactly-once primitive over a state store. */
export function createEnsureOnce<K extends StateKind = EntityKind>(deps: EnsureOnceDeps): EnsureOnce<K> {
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? defaultSleep;
  const maxWaitMs = deps.maxWaitMs ?? Math.max(60_000, 2 * deps.leaseMs + deps.indexLagMs);
  const maxAttempts = deps.maxCreateAttempts ?? 3;
  const sendMarginMs = (deps.requestTimeoutMs ?? 0) + deps.indexLagMs;
  if (deps.leaseMs <= sendMarginMs)
    throw new TypeError(
      `ensure-once: leaseMs (${deps.leaseMs}) must exceed timeout + index lag (${sendMarginMs})`,
    );
  const memo = new LruMap<string>(deps.memoSize ?? 10_000);
  const flights = new Map<string, Flight>();
  const { store, logger } = deps;
  const claimRules: LeaseRules<ClaimDoc> = {
    store,
    collection: CLAIMS,
    owner: deps.owner,
    now,
    isDone: (claim) => claim.state === 'ready',
    resumeOwn: true,
  };

  const memoKey = (kind: StateKind, key: string) => `${kind}\u0000${key}`;

  /** The key's one in-process flight: joined when one runs, else started. */
  async function fly(kind: StateKind, key: string, ops: EnsureOps): Promise<SharedResult | undefined> {
    const k = memoKey(kind, key);
    for (;;) {
      const running = flights.get(k);
      if (!running) {
        const flight: Flight = { creates: ops.create !== undefined, promise: Promise.resolve(undefined) };
        flight.promise = ensureShared(kind, key, ops).finally(() => {
          if (flights.get(k) === flight) flights.delete(k);
        });
        flights.set(k, flight);
        return flight.promise;
      }
      if (running.creates === (ops.create !== undefined)) return running.promise;
      // A find may come back empty-handed, an ensure may fail: then the caller runs its own flight.
      const found = await running.promise.catch(() => undefined);
      if (found) return found;
    }
  }

  async function settled(kind: StateKind, key: string): Promise<void> {
    await flights.get(memoKey(kind, key))?.promise.catch(() => undefined);
  }

  async function ensure(kind: StateKind, key: string, ops: EnsureOps): Promise<EnsureResult> {
    const known = memo.get(memoKey(kind, key));
    if (known) return { pageId: known, created: false };
    const result = await fly(kind, key, ops);
    if (!result) throw new EnsureError('ensure_timeout', `no page for the ${kind} and nothing created`);
    // Callers sharing one flight did not run their own create: only its author may treat the page as fresh.
    return { pageId: result.pageId, created: result.created && result.creator === ops };
  }

  async function ensureShared(
    kind: StateKind,
    key: string,
    ops: EnsureOps,
  ): Promise<SharedResult | undefined> {
    const id = docId(kind, key);
    const deadline = now() + maxWaitMs;
    const wait = backoff(sleep);
    let orphan: string | undefined;
    // A born entity's claim is created straight away; acquireRecord reads back one that exists.
    let snap =
      ops.born === true && ops.create ? undefined : await (ops.claim ?? store.get<ClaimDoc>(CLAIMS, id));
    for (;;) {
      if (snap?.data.state === 'ready' && snap.data.pageId) {
        memo.set(memoKey(kind, key), snap.data.pageId);
        if (orphan && orphan !== snap.data.pageId) await discard(ops, kind, orphan, snap.data.pageId);
        return { pageId: snap.data.pageId, created: false };
      }
      const intent = ops.create !== undefined;
      const got = await tryClaim(kind, key, id, snap, intent);
      if (got.outcome === 'done' && got.record.data.pageId) {
        // The create lost to a finished claim, which came back with the answer: no wait, no re-read.
        snap = got.record;
        continue;
      }
      if (got.outcome === 'won') {
        try {
          const claim = holdClaim({ ...deps, now, sendMarginMs }, id, got.record);
          const result = await own(kind, ops, claim, got.fresh, got.fresh && intent, orphan);
          if (result) memo.set(memoKey(kind, key), result.pageId);
          if (orphan && result && orphan !== result.pageId) await discard(ops, kind, orphan, result.pageId);
          return result;
        } catch (error) {
          if (!isEnsureError(error, 'lease_lost')) throw error;
          // Another owner took the claim while we worked; wait for its outcome like any loser.
          orphan = error.orphanPageId ?? orphan;
          logger.info('claim taken over by another instance', { kind, claim: id });
        }
      }
      if (now() > deadline) {
        throw new EnsureError(
          'ensure_timeout',
          `gave up waiting for the ${kind} claim ${id} after ${maxWaitMs} ms`,
        );
      }
      await wait();
      snap = await store.get<ClaimDoc>(CLAIMS, id);
    }
  }

  /**
   * Wins the claim (fresh, expired, or this owner's own left by a write whose reply was lost and
   * that the client retried: one flight per key, so no one here holds it) or answers with the
   * claim someone else holds. A claim it creates carries the intent of a first create when `intent`.
   */
  async function tryClaim(
    kind: StateKind,
    key: string,
    id: string,
    snap: Stored<ClaimDoc> | undefined,
    intent: boolean,
  ): Promise<Acquired<ClaimDoc>> {
    const t = now();
    const got = await acquireRecord(
      claimRules,
      id,
      snap,
      (previous): ClaimDoc =>
        previous
          ? { ...previous, owner: deps.owner, leaseUntil: t + deps.leaseMs, updatedAt: t }
          : {
              kind,
              key: key.slice(0, 200),
              state: 'pending',
              owner: deps.owner,
              leaseUntil: t + deps.leaseMs,
              pageId: null,
              attempts: intent ? 1 : 0,
              lastAttemptAt: intent ? t : 0,
              updatedAt: t,
            },
    );
    if (got.outcome === 'held' && !snap)
      logger.info('claim held by another caller, waiting', { kind, claim: id });
    if (got.outcome === 'won' && got.previousOwner !== undefined && got.previousOwner !== deps.owner)
      logger.info('expired claim taken over', { kind, claim: id, previousOwner: got.previousOwner });
    return got;
  }

  /**
   * As owner: look, wait out the index lag after any unconfirmed create, adopt or create, finalise.
   * `intended`: the claim already counts the next create, which has not been sent.
   */
  async function own(
    kind: StateKind,
    ops: EnsureOps,
    claim: ClaimHandle,
    fresh: boolean,
    intended: boolean,
    orphan: string | undefined,
  ): Promise<SharedResult | undefined> {
    let heldBack = 0;
    let intent = intended;
    try {
      for (;;) {
        const { attempts: recorded, lastAttemptAt } = claim.current().data;
        // Creates that may have left: an intent recorded here and not yet sent is not one of them.
        const attempts = intent ? recorded - 1 : recorded;
        // Only a claim this call created with no create behind it proves nothing made a page yet.
        const unseen = ops.born === true && fresh && attempts === 0 && !orphan && ops.create !== undefined;
        let lookedAt = now();
        let pageId = unseen ? undefined : await ops.lookup();
        if (!pageId && attempts > 0 && now() < lastAttemptAt + deps.indexLagMs) {
          await sleep(lastAttemptAt + deps.indexLagMs - now());
          lookedAt = now();
          pageId = await ops.lookup();
        }
        // A page this flight made under a claim it lost is known to exist even if the index lags.
        pageId ??= orphan;
        if (pageId) return { pageId: await finalise(claim, pageId, false), created: false };
        if (!ops.create) {
          await giveBack(claim, fresh);
          return undefined;
        }
        if (attempts >= maxAttempts) {
          // Past the limit, each further create waits a quiet period twice the last: a page any of
          // them made shows within the index lag, so none seen that long after the last create
          // means none was made, and a task whose creates kept failing is not kept out for good.
          const quietMs = deps.indexLagMs * 2 ** Math.min(attempts - maxAttempts + 1, MAX_QUIET_DOUBLINGS);
          // The look-up above must have started after the quiet period for its "none" to count.
          if (lookedAt < lastAttemptAt + quietMs) {
            throw new EnsureError(
              'create_attempts_exhausted',
              `${attempts} creates for this ${kind} had unknown outcomes and none is visible yet; the next waits until ${quietMs} ms after the last`,
            );
          }
          logger.warn('creates with unknown outcomes made no page in a long quiet period; creating again', {
            kind,
            claim: claim.id,
            attempts,
            quietMs,
          });
        }
        if (!intent) {
          const t = now();
          await claim.write({ attempts: attempts + 1, lastAttemptAt: t, leaseUntil: t + deps.leaseMs });
        }
        intent = false;
        try {
          pageId = await ops.create(claim.admit);
        } catch (error) {
          if (isOutcomeUnknown(error)) {
            logger.info('create outcome unknown; looking again after the index lag', {
              kind,
              claim: claim.id,
            });
            // The page, if made, was made by now: its index lag counts from here, not from the request.
            await claim.write({ lastAttemptAt: now(), leaseUntil: now() + deps.leaseMs });
            continue;
          }
          if (isEnsureError(error, 'lease_lost')) throw error;
          if (isEnsureError(error, 'lease_short') && ++heldBack < 5) {
            // Held back at admission, so nothing was sent: the count goes back to the creates before it.
            await claim.write({ attempts, leaseUntil: now() + deps.leaseMs });
            logger.info('create held back: the lease ran short while it queued', { kind, claim: claim.id });
            continue;
          }
          // A definite failure created nothing: hand the claim back at once.
          await claim.write({ attempts, leaseUntil: 0 }).catch(() => undefined);
          throw error;
        }
        return { pageId: await finalise(claim, pageId, true), created: true, creator: ops };
      }
    } catch (error) {
      // Failed before the intended create left (a look-up failed, say): a successor need not count it.
      if (intent) await claim.write({ attempts: claim.current().data.attempts - 1 }).catch(() => undefined);
      throw error;
    } finally {
      await claim.stop();
    }
  }

  /** A find that found nothing hands the key back: removed if it made the claim and no create ran, else unleased. */
  async function giveBack(claim: ClaimHandle, fresh: boolean): Promise<void> {
    await claim.stop();
    if (fresh && claim.current().data.attempts === 0) {
      await claim.release().catch(() => undefined);
      return;
    }
    await claim.write({ leaseUntil: 0 }).catch(() => undefined);
  }

  async function finalise(claim: ClaimHandle, pageId: string, created: boolean): Promise<string> {
    await claim.stop();
    try {
      await claim.write({ state: 'ready', pageId, leaseUntil: 0, attempts: 0 });
      return pageId;
    } catch (error) {
      if (isEnsureError(error, 'lease_lost') && created) {
        throw new EnsureError('lease_lost', error.message, { cause: error, orphanPageId: pageId });
      }
      throw error;
    }
  }

  async function discard(ops: EnsureOps, kind: StateKind, pageId: string, canonical: string): Promise<void> {
    logger.warn('a page created while the claim was lost is discarded', { kind, pageId, canonical });
    await ops.discard?.(pageId);
  }

  return {
    ensure,
    async find(kind, key, lookup) {
      const known = memo.get(memoKey(kind, key));
      if (known) return known;
      return (await fly(kind, key, { lookup }))?.pageId;
    },
    async peek(kind, key) {
      const known = memo.get(memoKey(kind, key));
      if (known) return known;
      const snap = await store.get<ClaimDoc>(CLAIMS, docId(kind, key));
      if (snap?.data.state !== 'ready' || !snap.data.pageId) return undefined;
      memo.set(memoKey(kind, key), snap.data.pageId);
      return snap.data.pageId;
    },
    async invalidate(kind, key, pageId) {
      await settled(kind, key);
      // Only the page found gone is forgotten: a key re-pointed meanwhile keeps its new page.
      if (memo.get(memoKey(kind, key)) === pageId) memo.delete(memoKey(kind, key));
      const id = docId(kind, key);
      const snap = await store.get<ClaimDoc>(CLAIMS, id);
      if (snap?.data.pageId !== pageId) return;
      await store.remove(CLAIMS, id, snap.version).catch((error: unknown) => {
        if (!isStateError(error, 'precondition_failed')) throw error;
      });
    },
    async point(kind, key, pageId) {
      await settled(kind, key);
      const id = docId(kind, key);
      const deadline = now() + maxWaitMs;
      const wait = backoff(sleep);
      for (;;) {
        const snap = await store.get<ClaimDoc>(CLAIMS, id);
        const held = snap?.data;
        // An owner with a live lease may be about to create a page: overwriting its claim now would
        // not stop that create. Its outcome is waited for, so a page it made is answered, not left live.
        const live = held !== undefined && leasePhase(claimRules, held) === 'held';
        if (live && now() < deadline) {
          await wait();
          continue;
        }
        const doc: ClaimDoc = {
          kind,
          key: key.slice(0, 200),
          state: 'ready',
          owner: deps.owner,
          leaseUntil: 0,
          pageId,
          attempts: 0,
          lastAttemptAt: 0,
          updatedAt: now(),
        };
        try {
          if (snap) await store.update(CLAIMS, id, doc, snap.version);
          else await store.create(CLAIMS, id, doc);
        } catch (error) {
          if (isWriteRace(error)) continue;
          throw error;
        }
        memo.set(memoKey(kind, key), pageId);
        return held?.state === 'ready' && held.pageId && held.pageId !== pageId ? held.pageId : undefined;
      }
    },
  };
}
