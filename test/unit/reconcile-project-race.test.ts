import { afterEach, describe, expect, it } from 'vitest';
import { CLAIMS } from '../../src/exactly-once/claim-doc.js';
import { ENTITIES } from '../../src/exactly-once/entity-state.js';
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

/** Where the webhook lands: right after the run's listing answered, or once the run read pA's claim (none), before its state's create. */
type Moment = 'after the listing' | 'after the claim read';

/**
 * Todoist lists project pA as `listed` (stamped T0); the store is fresh, so the run lists every
 * state and finds none for pA. At `moment`, another instance handles a webhook for pA.
 */
async function race(listed: string, event: ReturnType<typeof projectUpdated>, moment: Moment) {
  const fake = await startTodoistFake({
    projects: [makeProject({ id: 'pA', name: listed, updated_at: stamp(T0) })],
  });
  fakes.push(fake);
  const config = unitConfig({ TODOIST_API_TOKEN: fake.token, TODOIST_BASE_URL: fake.url }, 'reconcile');
  const notion = fakeWorkspace();
  const inner = createMemoryStore();
  const instance = (store: StateStore) =>
    createSyncContext(config, silentLogger, {
      store,
      notion: notion.api,
      todoist: createTodoistApi({ token: fake.token, baseUrl: fake.url, sleep: async () => {} }),
    });
  const other = instance(inner);
  const recorded = recordingStore(inner);
  let afterEvent = -1;
  let claimRead: Promise<unknown> | undefined;
  const land = async (now: boolean) => {
    if (!now || afterEvent >= 0) return;
    await handleMessage(other, event);
    afterEvent = recorded.calls.length;
  };
  const store: StateStore = {
    ...recorded.view,
    list: async <T extends object>(collection: string) => {
      const docs = await recorded.view.list<T>(collection);
      await land(collection === ENTITIES && moment === 'after the listing');
      return docs;
    },
    get: <T extends object>(collection: string, id: string) => {
      const doc = recorded.view.get<T>(collection, id);
      if (collection === CLAIMS) claimRead ??= doc;
      return doc;
    },
    create: async <T extends object>(collection: string, id: string, data: T) => {
      const read = collection === ENTITIES && moment === 'after the claim read' ? claimRead : undefined;
      await land(read !== undefined && (await read) === undefined);
      return recorded.view.create<T>(collection, id, data);
    },
  };
  const run = await reconcile(instance(store), { allowCreates: true });
  const pages = notion.pages(IDS.projects).filter((p) => notion.text(p.properties['Todoist ID']) === 'pA');
  const after = (collection: string) =>
    recorded.calls.slice(afterEvent).filter((c) => c.endsWith(` ${collection}`));
  return {
    run,
    pages,
    names: pages.map((p) => notion.text(p.properties['Name'])),
    entityCalls: after(ENTITIES),
    claimCalls: after(CLAIMS),
  };
}

describe('a webhook creates a project state between the reconcile listing and its apply', () => {
  it('a newer webhook: one page, the webhook’s name; the run, refused its create, reads the state and stands back', async () => {
    // Act
    const { run, names, entityCalls } = await race(
      'Alpha',
      projectUpdated('Alpha, renamed', T0 + 1_000),
      'after the listing',
    );

    // Assess: the create the listing allowed found the state there, read it, and found it newer.
    expect(run.status).toBe('done');
    expect(names).toEqual(['Alpha, renamed']);
    expect(entityCalls).toEqual([`create ${ENTITIES}`, `get ${ENTITIES}`]);
  });

  it('an older webhook: one page, the listed name; the run applies its newer state to the webhook’s page', async () => {
    // Act
    const { run, names, entityCalls } = await race(
      'Alpha',
      projectUpdated('Alpha, before', T0 - 1_000),
      'after the listing',
    );

    // Assess
    expect(run).toMatchObject({ status: 'done', projectsApplied: 1 });
    expect(names).toEqual(['Alpha']);
    expect(entityCalls.slice(0, 3)).toEqual([`create ${ENTITIES}`, `get ${ENTITIES}`, `update ${ENTITIES}`]);
  });

  it('an older webhook landing after the run read the claim: the run’s stale read of it still ends on the webhook’s page', async () => {
    // Act: the run read pA's claim (none yet) beside its state's create; the other instance then
    // made the state, the claim and the page.
    const { run, names, entityCalls, claimCalls } = await race(
      'Alpha',
      projectUpdated('Alpha, before', T0 - 1_000),
      'after the claim read',
    );

    // Assess: one page, with the run's newer name; the claim it read as absent was created by the
    // other instance, so its create was refused and the claim read again: the other's page adopted.
    expect(run).toMatchObject({ status: 'done', projectsApplied: 1 });
    expect(names).toEqual(['Alpha']);
    expect(entityCalls.slice(0, 3)).toEqual([`create ${ENTITIES}`, `get ${ENTITIES}`, `update ${ENTITIES}`]);
    expect(claimCalls).toEqual([`create ${CLAIMS}`, `get ${CLAIMS}`]);
  });
});
