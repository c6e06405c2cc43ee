import { displayName, normaliseName } from '../exactly-once/keys.js';
import { titleContains } from '../notion/filters.js';
import { readTitle, title } from '../notion/properties.js';
import type { SyncContext } from './context.js';
import { findOldest } from './lookup.js';

/** The one Area page for a name (by normalised name), created exactly once. */
export async function ensureArea(ctx: SyncContext, name: string): Promise<string> {
  const key = normaliseName(name);
  const shown = displayName(name);
  const db = ctx.databaseId('areas');
  const result = await ctx.ensure.ensure('area', key, {
    lookup: () =>
      // `equals` is case-sensitive: a page made as "Work" would be invisible to a look-up for "WORK",
      // and whoever takes a claim over must see every spelling. The accept test is the exact rule.
      findOldest(
        ctx,
        'areas',
        titleContains('Name', longestWord(shown)),
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

/** The longest word of a name: a case-insensitive `contains` on it finds every spelling of the name. */
function longestWord(name: string): string {
  return name.split(' ').reduce((best, word) => (word.length > best.length ? word : best), '');
}

/** Area page ids for a task's area names, in order, without repeats. */
export async function ensureAreas(ctx: SyncContext, names: readonly string[]): Promise<string[]> {
  const ids = await Promise.all(names.map((n) => ensureArea(ctx, n)));
  return [...new Set(ids)];
}
