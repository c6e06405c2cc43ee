import { readEmail, readText, readTitle } from '../notion/properties.js';
import type { SyncContext } from './context.js';

interface PersonIndex {
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

const REFRESH_MS = 10 * 60_000;
let index: Promise<PersonIndex> | undefined;
const collaborators = new Map<string, Collaborator>();

/** Remembers who a Todoist user is (from webhook initiators or the API) for email and name matching. */
export function rememberCollaborator(person: Collaborator): void {
  const known = collaborators.get(person.id);
  collaborators.set(person.id, { ...known, ...person });
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

function match(people: PersonIndex, uid: string): string | undefined {
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
  if (!index || ctx.now() - (await index).loadedAt > REFRESH_MS) {
    index = loadIndex(ctx).catch((error: unknown) => {
      index = undefined;
      throw error;
    });
  }
  const people = await index;
  const found = match(people, uid);
  if (found || collaborators.has(uid) || !ctx.todoist || !projectId) return found;
  try {
    for await (const c of ctx.todoist.getCollaborators(projectId)) rememberCollaborator(c);
  } catch (error) {
    ctx.logger.warn('could not read collaborators from Todoist', { projectId, error });
  }
  return match(people, uid);
}

/** Forgets the People index (tests, and after People pages change). */
export function resetPeopleCache(): void {
  index = undefined;
  collaborators.clear();
}
