import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { resolveAssignee } from '../../src/handlers/people.js';
import { ensureProjectForTask } from '../../src/handlers/projects.js';
import { silentLogger } from '../../src/log/logger.js';
import { createSyncContext } from '../../src/runtime.js';
import { createMemoryStore } from '../../src/state/memory.js';
import type { TodoistApi } from '../../src/todoist/api.js';
import { projectSchema } from '../../src/todoist/schemas.js';
import { fakeWorkspace, IDS, unitConfig } from '../support/unit-context.js';

/*
 * Every cache lives in the instance built by the composition root: two contexts in one process
 * (two tests, a reconcile beside the event handler) never see each other's People or names.
 */

const PEOPLE = '44444444444444444444444444444444';

function person(todoistId: string, name: string) {
  return {
    Name: { title: [{ text: { content: name } }] },
    'Todoist ID': { rich_text: [{ text: { content: todoistId } }] },
  };
}

/** A Todoist API that knows project names only, counting the reads. */
function projectsApi(names: Record<string, string>) {
  const reads: string[] = [];
  const none = async function* () {};
  const api: TodoistApi = {
    async getProject(id) {
      reads.push(id);
      const name = names[id];
      return name === undefined ? undefined : v.parse(projectSchema, { id, name });
    },
    getProjects: none,
    getTask: async () => undefined,
    getTasks: none,
    getCompletedTasks: none,
    getCollaborators: none,
    getSection: async () => undefined,
  };
  return { api, reads };
}

describe('two contexts in one process', () => {
  it('each reads the People database itself; a person added later is seen by the new context only', async () => {
    const notion = fakeWorkspace({ [PEOPLE]: 'people' });
    const config = unitConfig({ NOTION_PEOPLE_DATABASE_ID: PEOPLE });
    const make = () =>
      createSyncContext(config, silentLogger, { store: createMemoryStore(), notion: notion.api });
    const first = make();
    const ada = await notion.api.createPage(PEOPLE, person('7', 'Ada'));
    const queries = () => notion.api.stats().byRoute['POST /v1/data_sources/:id/query'] ?? 0;

    expect(await resolveAssignee(first, '7')).toBe(ada.id);
    expect(await resolveAssignee(first, '7')).toBe(ada.id);
    const readByFirst = queries();
    const grace = await notion.api.createPage(PEOPLE, person('8', 'Grace'));
    const second = make();

    expect(await resolveAssignee(second, '8')).toBe(grace.id);
    expect(queries()).toBeGreaterThan(readByFirst);
    // The first context still holds the list it read before Grace existed.
    expect(await resolveAssignee(first, '8')).toBeUndefined();
    expect(readByFirst).toBeGreaterThan(0);
  });

  it('each asks Todoist for a project name once, and never reuses the other one’s answer', async () => {
    const { api, reads } = projectsApi({ p1: 'Garden' });
    const make = () => {
      const notion = fakeWorkspace();
      const ctx = createSyncContext(unitConfig(), silentLogger, {
        store: createMemoryStore(),
        notion: notion.api,
        todoist: api,
      });
      return { ctx, notion };
    };
    const first = make();
    const second = make();

    await Promise.all([ensureProjectForTask(first.ctx, 'p1'), ensureProjectForTask(first.ctx, 'p1')]);
    await ensureProjectForTask(second.ctx, 'p1');

    expect(reads).toEqual(['p1', 'p1']);
    for (const { notion } of [first, second]) {
      expect(notion.pages(IDS.projects).map((p) => notion.text(p.properties['Name']))).toEqual(['Garden']);
    }
  });
});
