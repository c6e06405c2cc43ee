import { textEquals } from '../notion/filters.js';
import type { DatabaseKey, Filter, NotionPage } from '../notion/types.js';
import type { PageTarget } from './apply-entity.js';
import type { SyncContext } from './context.js';

/** The canonical page among several: the oldest, ties broken by id, as cleanup chooses too. */
export function oldestPage<P extends Pick<NotionPage, 'id' | 'created_time'>>(
  pages: readonly P[],
): P | undefined {
  let best: P | undefined;
  for (const p of pages) {
    if (
      !best ||
      p.created_time < best.created_time ||
      (p.created_time === best.created_time && p.id < best.id)
    )
      best = p;
  }
  return best;
}

/** Live pages of a database matching a filter, narrowed by `accept`; the oldest one's id. */
export async function findOldest(
  ctx: SyncContext,
  db: DatabaseKey,
  filter: Filter,
  accept: (page: NotionPage) => boolean = () => true,
): Promise<string | undefined> {
  const matches: NotionPage[] = [];
  for await (const page of ctx.notion.queryAll(ctx.databaseId(db), { filter, pageSize: 100 })) {
    if (!page.in_trash && !page.archived && accept(page)) matches.push(page);
  }
  return oldestPage(matches)?.id;
}

/** The page of a Todoist task or project, found by its `Todoist ID` (the oldest when several). */
export function todoistPage(ctx: SyncContext, kind: 'todo' | 'project', key: string): PageTarget {
  const db = kind === 'todo' ? 'todos' : 'projects';
  return { kind, key, db, lookup: () => findOldest(ctx, db, textEquals('Todoist ID', key)) };
}
