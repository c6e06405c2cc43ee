import type { TodoistApi } from '../todoist/api.js';
import type { SyncContext } from './context.js';

/*
 * Several Todoist people, one workspace. Each webhook is delivered for one account (`user_id`);
 * a task in a shared project arrives once per member. Nothing here is per person except which
 * accounts are synced and whose token reads the Todoist API: the ledger, ordering and claims are
 * keyed by the task, so every member's copy of one change lands on one page as one apply.
 */

/** Whether `SYNC_USERS` lets this account's events through (an event naming no account cannot be judged, so it passes). */
export function isUserSynced(ctx: SyncContext, userId: string | null | undefined): boolean {
  const users = ctx.config.sync.users;
  return users.length === 0 || !userId || users.includes(userId);
}

/** The context an event of this account is applied in: the Todoist API with that person's token. */
export function asUser(ctx: SyncContext, userId: string | null | undefined): SyncContext {
  const todoist = ctx.todoistFor(userId);
  return todoist === ctx.todoist ? ctx : { ...ctx, todoist };
}

/** The accounts reconcile reads, each with its own token; `[undefined]` means the default token alone. */
export function reconcileUsers(ctx: SyncContext): Array<string | undefined> {
  const users = ctx.config.sync.users;
  const own = ctx.todoistUsers.filter((id) => users.length === 0 || users.includes(id));
  return own.length > 0 ? own : [undefined];
}

/** Every Todoist API we hold a token for: a task is gone only when none of them sees it. */
export function everyTodoist(ctx: SyncContext): TodoistApi[] {
  const apis = [ctx.todoist, ...ctx.todoistUsers.map((id) => ctx.todoistFor(id))];
  return [...new Set(apis.filter((api): api is TodoistApi => api !== undefined))];
}
