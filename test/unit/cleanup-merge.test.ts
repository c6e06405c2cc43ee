import { describe, expect, it } from 'vitest';
import { applyPlan } from '../../src/audit/merge-apply.js';
import { buildPlan, isEmptyPlan } from '../../src/audit/merge-plan.js';
import { createEnsureOnce } from '../../src/exactly-once/ensure-once.js';
import { silentLogger } from '../../src/log/logger.js';
import { relation, title } from '../../src/notion/properties.js';
import type { DatabaseKey, NotionApi } from '../../src/notion/types.js';
import { createMemoryStore } from '../../src/state/memory.js';
import { createFakeNotion } from '../support/fake-notion.js';

const DBS: Record<DatabaseKey, string> = {
  areas: 'db-areas',
  projects: 'db-projects',
  todos: 'db-todos',
  people: '',
};

/** A fake workspace whose Todos and Projects have an `Area` relation. */
function workspace() {
  const fake = createFakeNotion({
    'db-areas': { Name: 'title' },
    'db-projects': { Name: 'title', Area: 'relation' },
    'db-todos': { Name: 'title', Area: 'relation' },
  });
  const api: NotionApi = fake.api;
  const ensure = createEnsureOnce({
    store: createMemoryStore(),
    logger: silentLogger,
    owner: 't',
    leaseMs: 1000,
    indexLagMs: 0,
  });
  const deps = { notion: api, databaseId: (db: DatabaseKey) => DBS[db], ensure };
  const area = async (name: string) => (await api.createPage(DBS.areas, { Name: title(name) })).id;
  const todo = async (areas: string[]) =>
    (await api.createPage(DBS.todos, { Name: title('t'), Area: relation(areas) })).id;
  const areasOf = (id: string): string[] => {
    const value = fake.pages(DBS.todos).find((p) => p.id === id)?.properties['Area'] as
      | { relation?: Array<{ id: string }> }
      | undefined;
    return (value?.relation ?? []).map((r) => r.id);
  };
  return { fake, api, ensure, deps, area, todo, areasOf };
}

describe('merge plan and apply', () => {
  it('keeps the other targets of a relation and drops the repeat a merge would create', async () => {
    const w = workspace();
    const home = await w.area('Home');
    const work = await w.area('Work');
    const home2 = await w.area('home');
    const t = await w.todo([home2, work, home]);
    const plan = await buildPlan(w.deps, 'area');
    expect(plan.relinks).toEqual([
      { pageId: t, db: 'todos', property: 'Area', before: [home2, work, home], after: [home, work] },
    ]);
    const result = await applyPlan(w.deps, plan);
    expect(result).toMatchObject({ relinked: 1, trashed: 1, cachePointed: 1, failures: [], kept: [] });
    expect(w.areasOf(t)).toEqual([home, work]);
    expect(await w.ensure.peek('area', 'home')).toBe(home);
    expect(isEmptyPlan(await buildPlan(w.deps, 'area'))).toBe(true);
  });

  it('a link made after the plan was read is moved before the duplicate is trashed', async () => {
    const w = workspace();
    const home = await w.area('Home');
    const home2 = await w.area('HOME');
    await w.todo([home2]);
    const plan = await buildPlan(w.deps, 'area');
    const late = await w.todo([home2]); // a sync or a person links to the duplicate meanwhile
    const result = await applyPlan(w.deps, plan);
    expect(result.relinked).toBe(2);
    expect(w.areasOf(late)).toEqual([home]);
  });

  it('a relation changed after the plan was read is re-read, not overwritten', async () => {
    const w = workspace();
    const home = await w.area('Home');
    const home2 = await w.area('home');
    const work = await w.area('Work');
    const t = await w.todo([home2]);
    const plan = await buildPlan(w.deps, 'area');
    await w.api.updatePage(t, { properties: { Area: relation([home2, work]) } }); // the sync adds "Work"
    await applyPlan(w.deps, plan);
    expect(w.areasOf(t)).toEqual([home, work]);
  });

  it('a duplicate whose link could not be moved is kept, not trashed', async () => {
    const w = workspace();
    const home = await w.area('Home');
    const home2 = await w.area('home');
    const work = await w.area('Work');
    const work2 = await w.area('WORK');
    const stuck = await w.todo([home2]);
    await w.todo([work2]);
    const plan = await buildPlan(w.deps, 'area');
    const failing: NotionApi = {
      ...w.api,
      async updatePage(pageId, patch, request) {
        if (pageId === stuck) throw new Error('boom');
        return w.api.updatePage(pageId, patch, request);
      },
    };
    const result = await applyPlan({ ...w.deps, notion: failing }, plan);
    expect(result.kept).toEqual([home2]);
    expect(result.failures).toEqual([expect.objectContaining({ pageId: stuck, action: 'relink' })]);
    const live = w.fake
      .pages(DBS.areas)
      .filter((p) => !p.in_trash)
      .map((p) => p.id);
    expect(live.sort()).toEqual([home, home2, work].sort());
    expect(w.areasOf(stuck)).toEqual([home2]);
    expect(await w.ensure.peek('area', 'work')).toBe(work);
    expect(await w.ensure.peek('area', 'home')).toBeUndefined();
  });

  it('a cache entry left pointing at a trashed page is corrected', async () => {
    const w = workspace();
    const home = await w.area('Home');
    await w.ensure.point('area', 'home', 'trashed-page');
    const plan = await buildPlan(w.deps, 'area');
    expect(plan.staleCache).toEqual([{ key: 'home', cached: 'trashed-page', live: home }]);
    expect((await applyPlan(w.deps, plan)).cachePointed).toBe(1);
    expect(await w.ensure.peek('area', 'home')).toBe(home);
  });
});
