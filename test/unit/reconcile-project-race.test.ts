import { afterEach, describe, expect, it } from 'vitest';
import { ENTITIES } from '../../src/exactly-once/entity-state.js';
import type { SyncContext } from '../../src/handlers/context.js';
import { handleMessage } from '../../src/handlers/handle-message.js';
import { silentLogger } from '../../src/log/logger.js';
import { reconcile } from '../../src/reconcile/engine.js';
import { createSyncContext } from '../../src/runtime.js';
import { createMemoryStore } from '../../src/state/memory.js';
import type { StateStore } from '../../src/state/store.js';
import { createTodoistApi } from '../../src/todoist/api.js';
import { recordingStore } from '../support/recording-store.js';
import { makeProject, startTodoistFake, type TodoistFake } from '../support/todoist-fake/index.js';
import { fakeWorkspace, IDS, unitConfig } from '../support/unit-context.js';

const stamp = (ms: number) => `${new Date(ms).toISOString().slice(0, 19)}.000000Z`;
const T0 = Date.now() - 3_600_000;

let fakes: TodoistFake[] = [];
afterEach(async () => {
  await Promise.all(fakes.map((f) => f.close()));
  fakes = [];
});

/** A `project:updated` webhook, as Pub/Sub hands it to the sync. */
function projectUpdated(name: string, updatedAt: number) {
  const body = JSON.stringify({
    event_name: 'project:updated',
    user_id: '1',
    event_data: makeProject({ id: 'pA', name, updated_at: stamp(updatedAt) }),
    triggered_at: stamp(updatedAt),
  });
  return { body: Buffer.from(body), attributes: { deliveryId: `d-${name}` }, messageId: `m-${name}` };
}

/**
 * Todoist lists project pA as `listed` (stamped T0); the store is fresh, so the run lists every
 * state and finds none for pA; right after that listing answered, a webhook for pA is handled.
 */
async function raceAfterListing(listed: string, event: ReturnType<typeof projectUpdated>) {
  const fake = await startTodoistFake({
    projects: [makeProject({ id: 'pA', name: listed, updated_at: stamp(T0) })],
  });
  fakes.push(fake);
  const recorded = recordingStore(createMemoryStore());
  let ctx: SyncContext | undefined;
  let afterEvent = -1;
  const store: StateStore = {
    ...recorded.view,
    list: async <T extends object>(collection: string) => {
      const docs = await recorded.view.list<T>(collection);
      if (collection === ENTITIES && ctx && afterEvent < 0) {
        await handleMessage(ctx, event);
        afterEvent = recorded.calls.length;
      }
      return docs;
    },
  };
  const config = unitConfig({ TODOIST_API_TOKEN: fake.token, TODOIST_BASE_URL: fake.url }, 'reconcile');
  const todoist = createTodoistApi({ token: fake.token, baseUrl: fake.url, sleep: async () => {} });
  const notion = fakeWorkspace();
  ctx = createSyncContext(config, silentLogger, { store, notion: notion.api, todoist });
  const run = await reconcile(ctx, { allowCreates: true });
  const pages = notion.pages(IDS.projects).filter((p) => notion.text(p.properties['Todoist ID']) === 'pA');
  const entityCalls = recorded.calls.slice(afterEvent).filter((c) => c.endsWith(` ${ENTITIES}`));
  return { run, pages, names: pages.map((p) => notion.text(p.properties['Name'])), entityCalls };
}

describe('a webhook creates a project state between the reconcile listing and its apply', () => {
  it('a newer webhook: one page, the webhook’s name; the run, refused its create, reads the state and stands back', async () => {
    // Act
    const { run, names, entityCalls } = await raceAfterListing(
      'Alpha',
      projectUpdated('Alpha, renamed', T0 + 1_000),
    );

    // Assess: the create the listing allowed found the state there, read it, and found it newer.
    expect(run.status).toBe('done');
    expect(names).toEqual(['Alpha, renamed']);
    expect(entityCalls).toEqual([`create ${ENTITIES}`, `get ${ENTITIES}`]);
  });

  it('an older webhook: one page, the listed name; the run applies its newer state to the webhook’s page', async () => {
    // Act
    const { run, names, entityCalls } = await raceAfterListing(
      'Alpha',
      projectUpdated('Alpha, before', T0 - 1_000),
    );

    // Assess
    expect(run).toMatchObject({ status: 'done', projectsApplied: 1 });
    expect(names).toEqual(['Alpha']);
    expect(entityCalls.slice(0, 3)).toEqual([`create ${ENTITIES}`, `get ${ENTITIES}`, `update ${ENTITIES}`]);
  });
});
