import { readEmail, readText, readTitle } from '../notion/properties.js';
import type { SyncContext } from './context.js';

/** The People pages by Todoist ID, email and exact name, as read at `loadedAt`. */
export interface PersonIndex {
  byTodoistId: Map<string, string>;
  byEmail: Map<string, string>;
  byName: Map<string, string>;
  loadedAt: number;
}

/** Someone a task can be assigned to, as Todoist knows them. */
export interface Collaborator {
  id: string;
  email?: string | undefined;
  name?: string | undefined;
}

/** One instance's knowledge of people: the People pages (read in one go) and the Todoist users seen. */
export interface PeopleCache {
  index: Promise<PersonIndex> | undefined;
  collaborators: Map<string, Collaborator>;
}

/** An empty People cache; the composition root makes one per instance. */
export function createPeopleCache(): PeopleCache {
  return { index: undefined, collaborators: new Map() };
}

const REFRESH_MS = 10 * 60_000;

/** Remembers who a Todoist user is (from webhook initiators or the API) for email and name matching. */
export function rememberCollaborator(cache: PeopleCache, person: Collaborator): void {
  const known = cache.collaborators.get(person.id);
  cache.collaborators.set(person.id, { ...known, ...person });
}

async function loadIndex(ctx: SyncContext): Promise<PersonIndex> {
  const db = ctx.config.notion.databases.people;
  const built: PersonIndex = {
    byTodoistId: new Map(),
    byEmail: new Map(),
    byName: new Map(),
    loadedAt: ctx.now(),
  };
  if (!db) return built;
  // People are few: one paginated read per instance (and per refresh) keeps warm events free of People queries.
  for await (const page of ctx.notion.queryAll(db, { pageSize: 100 })) {
    const todoistId = readText(page, 'Todoist ID');
    const email = readEmail(page, 'Email');
    const name = readTitle(page, 'Name');
    if (todoistId && !built.byTodoistId.has(todoistId)) built.byTodoistId.set(todoistId, page.id);
    if (email && !built.byEmail.has(email.toLowerCase())) built.byEmail.set(email.toLowerCase(), page.id);
    if (name && !built.byName.has(name)) built.byName.set(name, page.id);
  }
  return built;
}

function match(
  people: PersonIndex,
  collaborators: PeopleCache['collaborators'],
  uid: string,
): string | undefined {
  const hit = people.byTodoistId.get(uid);
  if (hit) return hit;
  const who = collaborators.get(uid);
  if (who?.email) {
    const byEmail = people.byEmail.get(who.email.toLowerCase());
    if (byEmail) return byEmail;
  }
  return who?.name ? people.byName.get(who.name) : undefined;
}

/** The People page for a Todoist user: by Todoist ID, then email, then exact name; never created. */
export async function resolveAssignee(
  ctx: SyncContext,
  uid: string,
  projectId?: string | null,
): Promise<string | undefined> {
  if (!ctx.config.notion.databases.people) return undefined;
  const cache = ctx.memory.people;
  if (!cache.index || ctx.now() - (await cache.index).loadedAt > REFRESH_MS) {
    const loading: Promise<PersonIndex> = loadIndex(ctx).catch((error: unknown) => {
      if (cache.index === loading) cache.index = undefined;
      throw error;
    });
    cache.index = loading;
  }
  const people = await cache.index;
  const found = match(people, cache.collaborators, uid);
  if (found || cache.collaborators.has(uid) || !ctx.todoist || !projectId) return found;
  try {
    for await (const c of ctx.todoist.getCollaborators(projectId)) rememberCollaborator(cache, c);
  } catch (error) {
    ctx.logger.warn('could not read collaborators from Todoist', { projectId, error });
  }
  return match(people, cache.collaborators, uid);
}
