import { readEntity } from '../exactly-once/entity-state.js';
import { setStoredProperty } from '../exactly-once/property-patch.js';
import { optionName } from '../mapping/task-properties.js';
import { and, relationContains } from '../notion/filters.js';
import { readText } from '../notion/properties.js';
import type { Filter } from '../notion/types.js';
import type { SyncContext } from './context.js';

/** What a relabel needs to know of a section. */
export interface SectionName {
  name: string;
  projectId: string | null;
}

/**
 * Moves Todo pages of this section's project from `oldName` to the section's current name. Reads
 * the name again afterwards: a rename committed meanwhile (another instance) is followed too.
 */
export async function relabel(
  ctx: SyncContext,
  sectionId: string,
  oldName: string,
  current: () => Promise<SectionName | undefined>,
): Promise<void> {
  const available = await ctx.properties('todos');
  if (!available.has('Section')) return;
  let from = oldName;
  for (let round = 0; round < 3; round++) {
    const doc = await current();
    if (!doc?.name || optionName(doc.name) === optionName(from)) return;
    const moved = await relabelPages(ctx, doc, from, available);
    ctx.logger.info('section renamed: Todo pages relabelled', { sectionId, pages: moved });
    from = doc.name;
  }
}

/** Whether the task's stored state still shows `name` (the query index may lag behind a move). */
async function stillShows(ctx: SyncContext, taskId: string, name: string): Promise<boolean> {
  const stored = await readEntity(ctx.store, 'todo', taskId);
  if (!stored?.data.desired) return stored === undefined;
  try {
    const section = (JSON.parse(stored.data.desired) as { Section?: { select?: { name?: string } | null } })
      .Section;
    return section === undefined || section.select?.name === optionName(name);
  } catch {
    return false;
  }
}

async function relabelPages(
  ctx: SyncContext,
  doc: SectionName,
  from: string,
  available: ReadonlySet<string>,
): Promise<number> {
  const filters: Filter[] = [{ property: 'Section', select: { equals: optionName(from) } }];
  // Names repeat across projects ("Next"): only pages of this section's project are relabelled.
  const projectPage =
    doc.projectId && available.has('Project') ? await ctx.ensure.peek('project', doc.projectId) : undefined;
  if (projectPage) filters.push(relationContains('Project', projectPage));
  const value = { select: { name: optionName(doc.name) } };
  let moved = 0;
  for await (const page of ctx.notion.queryAll(ctx.databaseId('todos'), {
    filter: and(...filters),
    pageSize: 100,
  })) {
    if (page.in_trash || page.archived) continue;
    const taskId = readText(page, 'Todoist ID');
    if (taskId && !(await stillShows(ctx, taskId, from))) continue;
    await ctx.notion.updatePage(page.id, { properties: { Section: value } });
    if (taskId) await setStoredProperty(ctx.store, taskId, 'Section', value, { written: true });
    moved += 1;
  }
  return moved;
}
