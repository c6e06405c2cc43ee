import { isPageGone } from '../notion/errors.js';
import type { NotionPage } from '../notion/types.js';
import type { SyncContext } from './context.js';

/**
 * Reads a Todo page again for a Notion edit's diff; undefined when it is gone or trashed.
 *
 * Why a diff needs a page read made between two reads of the same stored state: the Todoist
 * applier of another instance commits `desired`, PATCHes the page, then records `applied`. A page
 * read that only precedes the state read can predate that PATCH while the state already records it:
 *
 *   notion event  read page (old Name) ─────────────────────────── read state (applied: new Name)
 *   todoist apply      commit desired: new Name ── PATCH Name ── record applied: new Name
 *
 * The page's old Name then differs from `applied` and looks like a person's rename, and the old
 * Name is sent back to Todoist over the newer one. With the state read before the page and found
 * unchanged after it, the page is at least as new as the state: any PATCH recorded in it was
 * done before the page read, and one still in flight is in `desired`, which the diff accepts.
 */
export async function rereadPage(ctx: SyncContext, pageId: string): Promise<NotionPage | undefined> {
  try {
    const page = await ctx.notion.retrievePage(pageId);
    return page.in_trash ? undefined : page;
  } catch (error) {
    if (isPageGone(error)) return undefined;
    throw error;
  }
}
