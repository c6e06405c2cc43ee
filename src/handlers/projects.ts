import { CLAIMS, type ClaimDoc } from '../exactly-once/claim-doc.js';
import { contentHash } from '../exactly-once/content-hash.js';
import { commitDesired, type EntityDoc, isShown, readEntity } from '../exactly-once/entity-state.js';
import { docId } from '../exactly-once/keys.js';
import { decide, eventVersion } from '../exactly-once/ordering.js';
import { storedTitle } from '../mapping/sparse-task.js';
import { richText, title } from '../notion/properties.js';
import type { PropertyInput } from '../notion/types.js';
import type { Stored } from '../state/store.js';
import type { ProjectEvent } from '../todoist/payload.js';
import { applyEntity, type PageTarget } from './apply-entity.js';
import type { SyncContext } from './context.js';
import { todoistPage } from './lookup.js';

/** The Notion page of one Todoist project, found by its `Todoist ID`. */
export function projectTarget(ctx: SyncContext, projectId: string): PageTarget {
  return todoistPage(ctx, 'project', projectId);
}

/** A placeholder title for a project whose name we do not know yet; the next project event fixes it. */
export function placeholderName(projectId: string): string {
  return `Todoist project ${projectId}`;
}

async function projectName(ctx: SyncContext, projectId: string): Promise<string> {
  const api = ctx.todoist;
  if (!api) return placeholderName(projectId);
  const name = await ctx.memory.projectNames(
    projectId,
    async () => (await api.getProject(projectId))?.name,
    (error) => {
      ctx.logger.warn('could not read the project name from Todoist; using a placeholder', {
        projectId,
        error,
      });
      return undefined;
    },
  );
  return name ?? placeholderName(projectId);
}

/** The Project page a task points at, ensured (with its name when known) if the task arrives first. */
export async function ensureProjectForTask(ctx: SyncContext, projectId: string): Promise<string> {
  const target = projectTarget(ctx, projectId);
  const result = await ctx.ensure.ensure('project', projectId, {
    lookup: () => {
      // A look-up is the step before a create, which needs the schema: read it alongside, not after.
      ctx.properties('projects').catch(() => undefined);
      return target.lookup();
    },
    create: async (admit) => {
      ctx.brake?.check('project');
      const properties = projectProperties(
        await ctx.properties('projects'),
        projectId,
        await projectName(ctx, projectId),
      );
      return (await ctx.notion.createPage(ctx.databaseId('projects'), properties, { beforeSend: admit })).id;
    },
  });
  return result.pageId;
}

/** A payload without a name keeps the shown one (a placeholder when there is none): never blanked. */
function projectNameOrKept(project: { id: string; name: string }, before: EntityDoc | null) {
  return project.name.trim() || storedTitle(before?.desired) || placeholderName(project.id);
}

/** The Notion properties of a Project page (only those the database has). */
export function projectProperties(available: ReadonlySet<string>, projectId: string, name: string) {
  const properties: Record<string, PropertyInput> = { Name: title(name) };
  if (available.has('Todoist ID')) properties['Todoist ID'] = richText(projectId);
  return properties;
}

export type ProjectOutcome = 'applied' | 'unchanged' | 'stale' | 'duplicate';

export interface SyncProjectOptions {
  /**
   * The project's entity document as the caller listed it a moment ago (null: the listing had
   * none), spared a read. Only a reconcile passes it: every write it leads to is guarded by the
   * listed version (or is a create), so a state an event committed since is read and decided on.
   */
  known?: Stored<EntityDoc> | null | undefined;
}

/** project:added/updated upsert the Project page; project:archived/deleted trash it. */
export async function syncProject(
  ctx: SyncContext,
  event: ProjectEvent,
  options: SyncProjectOptions = {},
): Promise<ProjectOutcome> {
  const project = event.project;
  const isDelete =
    event.eventName === 'project:deleted' ||
    event.eventName === 'project:archived' ||
    project.is_deleted === true ||
    project.is_archived === true;
  const version = eventVersion(event);
  const target = projectTarget(ctx, project.id);
  return ctx.memory.serial.project(project.id, async () => {
    const before =
      options.known === undefined
        ? await readEntity(ctx.store, 'project', project.id)
        : (options.known ?? undefined);
    const verdict = before && decide(before.data, { version, isDelete, canRevive: true });
    if (verdict === 'stale') {
      ctx.logger.info('stale event skipped: a newer state was already applied', {
        stale: true,
        projectId: project.id,
      });
      return 'stale';
    }
    // A redelivery of a shown state: one read, no write, no Notion request.
    if (verdict === 'duplicate' && before && isShown(before.data)) return 'duplicate';
    // Listed absent: the state is created and its page ensured next, so the claim's read leaves
    // now, beside that create, rather than after it.
    const claim =
      options.known === null && !isDelete
        ? ctx.store.get<ClaimDoc>(CLAIMS, docId('project', project.id))
        : undefined;
    claim?.catch(() => undefined);
    const available = isDelete ? undefined : await ctx.properties('projects');
    // Built from the state the commit decides on, which may be newer than `before`.
    const merge =
      available &&
      ((previous: EntityDoc | null) => {
        const properties = projectProperties(available, project.id, projectNameOrKept(project, previous));
        return { desired: JSON.stringify(properties), desiredHash: contentHash(properties) };
      });
    const outcome = await commitDesired(
      ctx.store,
      'project',
      project.id,
      // With `merge` the commit builds the state itself: `desired` is only the tombstone's.
      { version, isDelete, canRevive: true, desired: null, desiredHash: 'deleted', merge },
      ctx.now,
      before ?? null,
    );
    if (outcome.verdict === 'stale') return 'stale';
    return applyEntity(ctx, target, outcome.stored, claim ? { claim } : {});
  });
}
