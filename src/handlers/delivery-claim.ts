import { AppError } from '../errors.js';
import type { LedgerEntry } from '../exactly-once/ledger.js';
import type { SyncContext } from './context.js';

/*
 * The ledger serves Notion events only (two-way). A Todoist event carries its entity's version, so
 * the entity state alone tells a redelivery apart for one read. A Notion event carries no values:
 * without the ledger, every redelivery would read the page from Notion (the scarcest budget, about
 * 3 requests a second) before it could find that nothing changed.
 */

/** Another instance is still working on this delivery; Pub/Sub should offer it again later. */
export class DeliveryBusyError extends AppError<'delivery_in_progress'> {
  constructor(owner: string) {
    super('delivery_in_progress', `this delivery is still being processed by ${owner}`, { transient: true });
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Claims the delivery in the ledger, waiting out another instance's work on it; undefined when already done. */
export async function claimDelivery(
  ctx: SyncContext,
  key: string,
  eventName: string,
): Promise<LedgerEntry | undefined> {
  const deadline = ctx.now() + ctx.config.state.leaseMs + 1_000;
  let delay = 100;
  for (;;) {
    const verdict = await ctx.ledger.begin(key, eventName);
    if (verdict.status === 'new') return verdict.entry;
    if (verdict.status === 'done') return undefined;
    if (ctx.now() > deadline) {
      ctx.logger.info('delivery still in progress elsewhere; asking for a retry', { owner: verdict.owner });
      throw new DeliveryBusyError(verdict.owner);
    }
    await sleep(delay);
    delay = Math.min(delay * 2, 1_000);
  }
}
