import { describe, expect, it } from 'vitest';
import { loadConfig, secretsOf } from '../../src/config/index.js';
import type { SyncContext } from '../../src/handlers/context.js';
import { handleMessage } from '../../src/handlers/handle-message.js';
import { silentLogger } from '../../src/log/logger.js';
import { createSyncContext } from '../../src/runtime.js';
import { createMemoryStore } from '../../src/state/memory.js';
import type { TodoistApi } from '../../src/todoist/api.js';
import type { TodoistProject } from '../../src/todoist/schemas.js';
import { fixtureText as fixture } from '../support/todoist-fake/fixtures.js';
import { fakeWorkspace, IDS, unitConfig } from '../support/unit-context.js';

const PEOPLE = '44444444444444444444444444444444';
const ALICE = '5120884';
const BOB = '7734001';

function setup(env: Record<string, string> = {}, todoistByUser: Record<string, TodoistApi> = {}) {
  const notion = fakeWorkspace({ [PEOPLE]: 'people' });
  const config = unitConfig({ NOTION_PEOPLE_DATABASE_ID: PEOPLE, ...env });
  const ctx = createSyncContext(config, silentLogger, {
    store: createMemoryStore(),
    notion: notion.api,
    todoistByUser,
  });
  return { ctx, notion };
}

let n = 0;
async function deliver(ctx: SyncContext, body: string) {
  n += 1;
  return handleMessage(ctx, {
    body: Buffer.from(body),
    attributes: { deliveryId: `d${n}` },
    messageId: `m${n}`,
  });
}

/** The same task change as Todoist delivers it to one member of a shared project. */
function deliveredTo(userId: string, change: Record<string, unknown> = {}): string {
  const ev = JSON.parse(fixture('item-added.v1-shape.json'));
  ev.user_id = userId;
  Object.assign(ev.event_data, change);
  return JSON.stringify(ev);
}

/** A Todoist API that knows only project names, recording whose token asked. */
function namesApi(owner: string, asked: string[]): TodoistApi {
  return {
    async getProject(id: string) {
      asked.push(owner);
      return { id, name: `${owner}'s view of ${id}` } as TodoistProject;
    },
  } as unknown as TodoistApi;
}

describe('several Todoist people, one workspace', () => {
  it("two people's webhooks for one change of a shared task: one page, one apply", async () => {
    const { ctx, notion } = setup();
    expect(await deliver(ctx, deliveredTo(ALICE))).toBe('applied');
    notion.resetCounts();
    expect(await deliver(ctx, deliveredTo(BOB))).toBe('duplicate');
    expect(notion.pages(IDS.todos)).toHaveLength(1);
    expect(notion.api.stats().total).toBe(0);
  });

  it("two instances get the two people's copies of one change at once: one create, no second write", async () => {
    const { notion } = setup();
    // A Notion that takes a while to create a page: the second copy arrives while the first is writing.
    const slow = {
      ...notion.api,
      createPage: async (...args: Parameters<typeof notion.api.createPage>) => {
        await new Promise((resolve) => setTimeout(resolve, 50));
        return notion.api.createPage(...args);
      },
    };
    const config = unitConfig({ NOTION_PEOPLE_DATABASE_ID: PEOPLE });
    const store = createMemoryStore();
    const [ctx, other] = [1, 2].map(() =>
      createSyncContext(config, silentLogger, { store, notion: slow }),
    ) as [SyncContext, SyncContext];
    // No project, no area: nothing else to wait for before the task's own page.
    const bare = { project_id: null, labels: [] };
    const outcomes = await Promise.all([
      deliver(ctx, deliveredTo(ALICE, bare)),
      deliver(other, deliveredTo(BOB, bare)),
    ]);
    expect(outcomes.sort()).toEqual(['applied', 'duplicate']);
    expect(notion.pages(IDS.todos)).toHaveLength(1);
    expect(notion.api.stats().byRoute['PATCH /v1/pages/:id'] ?? 0).toBe(0);
  });

  it('a copy finding the first applier failed (its state unshown) shows it itself, without waiting out the lease', async () => {
    const { notion } = setup();
    const config = unitConfig({ NOTION_PEOPLE_DATABASE_ID: PEOPLE });
    const store = createMemoryStore();
    const dying = {
      ...notion.api,
      createPage: async () => {
        throw new Error('instance stopped mid-write');
      },
    };
    const first = createSyncContext(config, silentLogger, { store, notion: dying });
    const bare = { project_id: null, labels: [] };
    await expect(deliver(first, deliveredTo(ALICE, bare))).rejects.toThrow(/mid-write/);
    // Well within the claim lease: the copy waits a moment for an applier, then shows the state itself.
    const second = createSyncContext(config, silentLogger, { store, notion: notion.api });
    expect(await deliver(second, deliveredTo(BOB, bare))).toBe('applied');
    expect(notion.pages(IDS.todos)).toHaveLength(1);
  });

  it('Owner links the People page of the task’s user_id (by Todoist ID), never creating one', async () => {
    const { ctx, notion } = setup();
    const alice = await notion.api.createPage(PEOPLE, {
      Name: { title: [{ text: { content: 'Alice' } }] },
      'Todoist ID': { rich_text: [{ text: { content: ALICE } }] },
    });
    await deliver(ctx, deliveredTo(BOB, { user_id: ALICE }));
    const owner = notion.pages(IDS.todos)[0]?.properties['Owner'] as unknown as {
      relation: Array<{ id: string }>;
    };
    expect(owner.relation).toEqual([{ id: alice.id }]);
    expect(notion.pages(PEOPLE)).toHaveLength(1);
  });

  it('an owner without a People page leaves Owner as it is; no page is made for them', async () => {
    const { ctx, notion } = setup();
    await deliver(ctx, deliveredTo(BOB, { user_id: '999' }));
    expect(notion.pages(IDS.todos)[0]?.properties['Owner']).toBeUndefined();
    expect(notion.pages(PEOPLE)).toHaveLength(0);
  });

  it('SYNC_USERS: another account’s events are acknowledged without any Notion work', async () => {
    const { ctx, notion } = setup({ SYNC_USERS: `${ALICE}, 42` });
    expect(await deliver(ctx, deliveredTo(BOB))).toBe('filtered');
    expect(notion.api.stats().total).toBe(0);
    expect(await deliver(ctx, deliveredTo(ALICE))).toBe('applied');
    expect(notion.pages(IDS.todos)).toHaveLength(1);
  });

  it('a project name is read with the token of the person whose webhook brought the task', async () => {
    const asked: string[] = [];
    const { ctx, notion } = setup({}, { [ALICE]: namesApi('alice', asked), [BOB]: namesApi('bob', asked) });
    await deliver(ctx, deliveredTo(BOB));
    expect(asked).toEqual(['bob']);
    expect(notion.text(notion.pages(IDS.projects)[0]?.properties['Name'])).toMatch(/^bob's view/);
  });
});

describe('TODOIST_API_TOKENS and SYNC_USERS', () => {
  const base = {
    NOTION_TOKEN: 'ntn_secret',
    STATE_STORE: 'memory',
    NOTION_AREAS_DATABASE_ID: IDS.areas,
    NOTION_PROJECTS_DATABASE_ID: IDS.projects,
    NOTION_TODOS_DATABASE_ID: IDS.todos,
  };

  it.each<[string, string, Record<string, string>]>([
    ['comma-separated pairs', '111:tok-a,222:tok-b', { '111': 'tok-a', '222': 'tok-b' }],
    ['one pair per line (a mounted secret)', '111:tok-a\n222:tok-b\n', { '111': 'tok-a', '222': 'tok-b' }],
    ['a token holding colons', '111:a:b', { '111': 'a:b' }],
  ])('%s', (_label, value, expected) => {
    expect(loadConfig({ ...base, TODOIST_API_TOKENS: value }).todoist.apiTokens).toEqual(expected);
  });

  it.each([
    ['a pair without a token', '111:'],
    ['a bare token', 'tok-a'],
    ['a user twice', '111:tok-a,111:tok-b'],
  ])('%s is a startup error naming the variable, never echoing a token', (_label, value) => {
    expect(() => loadConfig({ ...base, TODOIST_API_TOKENS: value })).toThrow(
      /^TODOIST_API_TOKENS: expected userId:token/,
    );
    try {
      loadConfig({ ...base, TODOIST_API_TOKENS: value });
    } catch (error) {
      expect(String(error)).not.toMatch(/tok-/);
    }
  });

  it('per-user tokens are secrets (redacted from logs) and let reconcile start without TODOIST_API_TOKEN', () => {
    const config = loadConfig({ ...base, TODOIST_API_TOKENS: '111:tok-a,222:tok-b' }, 'reconcile');
    expect(secretsOf(config)).toEqual(expect.arrayContaining(['tok-a', 'tok-b']));
    expect(() => loadConfig(base, 'reconcile')).toThrow(/TODOIST_API_TOKEN/);
  });

  it('SYNC_USERS is a list of ids; unset means everyone', () => {
    expect(loadConfig({ ...base, SYNC_USERS: ' 111 ,222,' }).sync.users).toEqual(['111', '222']);
    expect(loadConfig(base).sync.users).toEqual([]);
  });
});
