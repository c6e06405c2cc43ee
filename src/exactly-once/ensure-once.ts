import { AppError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { isOutcomeUnknown } from '../notion/errors.js';
import { isStateError, type StateStore, type Stored } from '../state/store.js';
import { docId, type EntityKind, type StateKind } from './keys.js';
import { LruMap } from './lru-map.js';
import { createSingleFlight } from './single-flight.js';

/*
 * ensure-once(kind, key) → Notion page id, across processes, with Notion as an index that lags.
 *
 * The claim document (collection `claims`, id = hash(kind, key)) is the only arbiter; Notion has
 * no unique constraint. Nothing below runs inside a Firestore transaction: a transaction callback
 * may run many times, and a Notion create inside one is a duplicate generator.
 *
 *   owner A                         claim doc                         owner B
 *   ───────                         ─────────                         ───────
 *   create() ───────────────► pending{A, lease t0+L, attempts 0}
 *                                                                     create() ✗ ALREADY_EXISTS
 *   lookup in Notion: none                                            wait (backoff) ...
 *   update(v1) ─────────────► pending{A, attempts 1, lastAttempt t1}  (fencing: fails if A lost it)
 *   POST /v1/pages ··· ✗ response lost (outcome unknown)
 *   sleep until t1 + indexLag; lookup: found ─┐
 *   update(v2) ─────────────► ready{pageId}  ◄┘                       get(): ready → pageId
 *
 *   If A dies anywhere above, B waits until the lease ends, then takes the claim over with an
 *   update guarded by the version it read (only one taker wins). Because `attempts > 0`, B
 *   re-queries Notion only after lastAttempt + indexLag, so it adopts A's page instead of making
 *   a second one. The lease must outlast a Notion request plus the index lag
 *   (leaseMs > timeoutMs + indexLagMs), or a slow owner can be overtaken while its create is
 *   still in flight; finalise is fenced and a loser that created anyway discards its page.
 */

export interface ClaimDoc {
  kind: StateKind;
  /** The key, shortened, for people reading the store; the id is its hash. */
  key: string;
  state: 'pending' | 'ready';
  owner: string;
  leaseUntil: number;
  pageId: string | null;
  /** Creates started under this claim whose page was not yet confirmed. */
  attempts: number;
  lastAttemptAt: number;
  updatedAt: number;
}

/** How ensure-once talks to Notion for one key. */
export interface EnsureOps {
  /** Finds an existing live page for the key (the index may lag); the canonical one's id. */
  lookup(): Promise<string | undefined>;
  /**
   * Creates the page and returns its id; a lost response throws an outcome-unknown error.
   * Absent for `find`, which adopts an existing page but never makes one.
   */
  create?(): Promise<string>;
  /** Trashes a page this call created but lost to another owner's page. */
  discard?(pageId: string): Promise<void>;
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
  /** How long a waiting caller waits for another owner before asking for a retry. */
  maxWaitMs?: number;
  maxCreateAttempts?: number;
  memoSize?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export type EnsureErrorCode = 'ensure_timeout' | 'lease_lost' | 'create_attempts_exhausted';

export class EnsureError extends AppError<EnsureErrorCode> {
  /** A page this owner created before it learnt the claim was no longer its own. */
  readonly orphanPageId: string | undefined;
  constructor(
    code: EnsureErrorCode,
    message: string,
    options: { cause?: unknown; orphanPageId?: string } = {},
  ) {
    super(code, message, { cause: options.cause, transient: true });
    this.orphanPageId = options.orphanPageId;
  }
}

export function isEnsureError(value: unknown, code?: EnsureErrorCode): value is EnsureError {
  return value instanceof EnsureError && (code === undefined || value.code === code);
}

/** Claims of page kinds by default; comments instantiate it with `'comment'` (a block id per comment). */
export interface EnsureOnce<K extends StateKind = EntityKind> {
  ensure(kind: K, key: string, ops: EnsureOps & { create(): Promise<string> }): Promise<EnsureResult>;
  /**
   * The live page for a key if one exists: cached, being created by another owner (waited for),
   * or found in Notion (adopted). Never creates.
   */
  find(kind: K, key: string, lookup: () => Promise<string | undefined>): Promise<string | undefined>;
  /** The page id already known for a key (memo, then store), without claiming anything. */
  peek(kind: K, key: string): Promise<string | undefined>;
  /** Forgets a page found trashed or gone, so the next ensure finds or creates a live one. */
  invalidate(kind: K, key: string, pageId: string): Promise<void>;
  /** Points a key at a page (cleanup's canonical choice). */
  point(kind: K, key: string, pageId: string): Promise<void>;
}

export const CLAIMS = 'claims';

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Creates the exactly-once primitive over a state store. */
export function createEnsureOnce<K extends StateKind = EntityKind>(deps: EnsureOnceDeps): EnsureOnce<K> {
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? defaultSleep;
  const maxWaitMs = deps.maxWaitMs ?? Math.max(60_000, 2 * deps.leaseMs + deps.indexLagMs);
  const maxAttempts = deps.maxCreateAttempts ?? 3;
  const memo = new LruMap<string>(deps.memoSize ?? 10_000);
  const flight = createSingleFlight<SharedResult | undefined>();
  const { store, logger } = deps;

  const memoKey = (kind: StateKind, key: string) => `${kind}\u0000${key}`;

  async function ensure(kind: StateKind, key: string, ops: EnsureOps): Promise<EnsureResult> {
    const known = memo.get(memoKey(kind, key));
    if (known) return { pageId: known, created: false };
    const result = await flight(memoKey(kind, key), () => ensureShared(kind, key, ops));
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
    let delay = 40;
    let discardable: string | undefined;
    for (;;) {
      const snap = await store.get<ClaimDoc>(CLAIMS, id);
      if (snap?.data.state === 'ready' && snap.data.pageId) {
        memo.set(memoKey(kind, key), snap.data.pageId);
        if (discardable && discardable !== snap.data.pageId)
          await discard(ops, kind, discardable, snap.data.pageId);
        return { pageId: snap.data.pageId, created: false };
      }
      const owned = await tryClaim(kind, key, id, snap);
      if (owned) {
        try {
          const result = await own(kind, id, ops, owned);
          if (result) memo.set(memoKey(kind, key), result.pageId);
          return result;
        } catch (error) {
          if (!isEnsureError(error, 'lease_lost')) throw error;
          // Another owner took the claim while we worked; wait for its outcome like any loser.
          discardable = error.orphanPageId ?? discardable;
          logger.info('claim taken over by another instance', { kind, claim: id });
        }
      }
      if (now() > deadline) {
        throw new EnsureError(
          'ensure_timeout',
          `gave up waiting for the ${kind} claim ${id} after ${maxWaitMs} ms`,
        );
      }
      await sleep(delay / 2 + Math.random() * delay);
      delay = Math.min(delay * 2, 500);
    }
  }

  /** Wins the claim (fresh or stale) or returns undefined when someone else holds it. */
  async function tryClaim(
    kind: StateKind,
    key: string,
    id: string,
    snap: Stored<ClaimDoc> | undefined,
  ): Promise<Stored<ClaimDoc> | undefined> {
    const t = now();
    if (!snap) {
      const fresh: ClaimDoc = {
        kind,
        key: key.slice(0, 200),
        state: 'pending',
        owner: deps.owner,
        leaseUntil: t + deps.leaseMs,
        pageId: null,
        attempts: 0,
        lastAttemptAt: 0,
        updatedAt: t,
      };
      try {
        return await store.create(CLAIMS, id, fresh);
      } catch (error) {
        if (isStateError(error, 'already_exists')) {
          logger.info('claim held by another caller, waiting', { kind, claim: id });
          return undefined;
        }
        throw error;
      }
    }
    if (snap.data.state === 'pending' && snap.data.owner === deps.owner) {
      // Ours, though no call here holds it: a write whose reply was lost and that the client retried
      // landed. Single-flight means no other call in this process owns the key, so resume owning it.
      return snap;
    }
    if (snap.data.state === 'pending' && snap.data.leaseUntil <= t) {
      try {
        const taken = await store.update(
          CLAIMS,
          id,
          { ...snap.data, owner: deps.owner, leaseUntil: t + deps.leaseMs, updatedAt: t },
          snap.version,
        );
        logger.info('expired claim taken over', { kind, claim: id, previousOwner: snap.data.owner });
        return taken;
      } catch (error) {
        if (isStateError(error, 'precondition_failed') || isStateError(error, 'not_found')) return undefined;
        throw error;
      }
    }
    return undefined;
  }

  /** As owner: look, wait out the index lag after any unconfirmed create, adopt or create, finalise. */
  async function own(
    kind: StateKind,
    id: string,
    ops: EnsureOps,
    owned: Stored<ClaimDoc>,
  ): Promise<SharedResult | undefined> {
    let claim = owned;
    for (;;) {
      let pageId = await ops.lookup();
      if (!pageId && claim.data.attempts > 0) {
        const visibleAt = claim.data.lastAttemptAt + deps.indexLagMs;
        if (now() < visibleAt) {
          claim = await extend(id, claim, visibleAt - now());
          await sleep(visibleAt - now());
          pageId = await ops.lookup();
        }
      }
      if (pageId) return { pageId: await finalise(id, claim, pageId, false), created: false };
      if (!ops.create) {
        // Nothing to adopt and nothing to make: give the key back untouched.
        await store.remove(CLAIMS, id, claim.version).catch(() => undefined);
        return undefined;
      }
      if (claim.data.attempts >= maxAttempts) {
        throw new EnsureError(
          'create_attempts_exhausted',
          `${claim.data.attempts} creates for this ${kind} had unknown outcomes and none is visible yet`,
        );
      }
      const t = now();
      claim = await write(id, claim, {
        attempts: claim.data.attempts + 1,
        lastAttemptAt: t,
        leaseUntil: t + deps.leaseMs,
      });
      try {
        pageId = await ops.create();
      } catch (error) {
        if (isOutcomeUnknown(error)) {
          logger.info('create outcome unknown; looking again after the index lag', { kind, claim: id });
          // The page, if made, was made by now: its index lag counts from here, not from the request.
          claim = await write(id, claim, { lastAttemptAt: now(), leaseUntil: now() + deps.leaseMs });
          continue;
        }
        // A definite failure created nothing: hand the claim back at once.
        await write(id, claim, { attempts: claim.data.attempts - 1, leaseUntil: 0 }).catch(() => undefined);
        throw error;
      }
      return { pageId: await finalise(id, claim, pageId, true), created: true, creator: ops };
    }
  }

  async function finalise(
    id: string,
    claim: Stored<ClaimDoc>,
    pageId: string,
    created: boolean,
  ): Promise<string> {
    try {
      await write(id, claim, { state: 'ready', pageId, leaseUntil: 0, attempts: 0 });
      return pageId;
    } catch (error) {
      if (isEnsureError(error, 'lease_lost') && created) {
        throw new EnsureError('lease_lost', error.message, { cause: error, orphanPageId: pageId });
      }
      throw error;
    }
  }

  /** A fenced write: succeeds only while the claim is still the version we hold. */
  async function write(
    id: string,
    claim: Stored<ClaimDoc>,
    patch: Partial<ClaimDoc>,
  ): Promise<Stored<ClaimDoc>> {
    try {
      return await store.update(
        CLAIMS,
        id,
        { ...claim.data, ...patch, owner: deps.owner, updatedAt: now() },
        claim.version,
      );
    } catch (error) {
      if (isStateError(error, 'precondition_failed') || isStateError(error, 'not_found')) {
        throw new EnsureError('lease_lost', `claim ${id} changed under its owner`, { cause: error });
      }
      throw error;
    }
  }

  async function extend(id: string, claim: Stored<ClaimDoc>, needMs: number): Promise<Stored<ClaimDoc>> {
    const want = now() + needMs + deps.leaseMs;
    return claim.data.leaseUntil >= want ? claim : write(id, claim, { leaseUntil: want });
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
      const result = await flight(`find\u0000${memoKey(kind, key)}`, () =>
        ensureShared(kind, key, { lookup }),
      );
      return result?.pageId;
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
      memo.delete(memoKey(kind, key));
      const id = docId(kind, key);
      const snap = await store.get<ClaimDoc>(CLAIMS, id);
      if (snap?.data.pageId !== pageId) return;
      await store.remove(CLAIMS, id, snap.version).catch((error: unknown) => {
        if (!isStateError(error, 'precondition_failed')) throw error;
      });
    },
    async point(kind, key, pageId) {
      const id = docId(kind, key);
      const t = now();
      const doc: ClaimDoc = {
        kind,
        key: key.slice(0, 200),
        state: 'ready',
        owner: deps.owner,
        leaseUntil: 0,
        pageId,
        attempts: 0,
        lastAttemptAt: 0,
        updatedAt: t,
      };
      const snap = await store.get<ClaimDoc>(CLAIMS, id);
      if (snap) await store.update(CLAIMS, id, doc, snap.version);
      else await store.create(CLAIMS, id, doc);
      memo.set(memoKey(kind, key), pageId);
    },
  };
}
