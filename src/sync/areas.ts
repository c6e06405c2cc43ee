import { titleEquals } from '../notion/filters.js';
import { readTitle, title } from '../notion/properties.js';
import type { SyncContext } from './context.js';
import { displayName, normaliseName } from './keys.js';
import { findOldest } from './lookup.js';

/** The one Area page for a name (by normalised name), created exactly once. */
export async function ensureArea(ctx: SyncContext, name: string): Promise<string> {
  const key = normaliseName(name);
  const shown = displayName(name);
  const db = ctx.databaseId('areas');
  const result = await ctx.ensure.ensure('area', key, {
    lookup: () =>
      findOldest(
        ctx,
        'areas',
        titleEquals('Name', shown),
        (p) => normaliseName(readTitle(p, 'Name')) === key,
      ),
    create: async (admit) => {
      ctx.brake?.check('area');
      return (await ctx.notion.createPage(db, { Name: title(shown) }, { beforeSend: admit })).id;
    },
    discard: async (pageId) => {
      await ctx.notion.updatePage(pageId, { inTrash: true });
    },
  });
  if (result.created) ctx.logger.info('area page created', { area: shown, pageId: result.pageId });
  return result.pageId;
}

/** Area page ids for a task's area names, in order, without repeats. */
export async function ensureAreas(ctx: SyncContext, names: readonly string[]): Promise<string[]> {
  const ids = await Promise.all(names.map((n) => ensureArea(ctx, n)));
  return [...new Set(ids)];
}
