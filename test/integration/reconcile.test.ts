import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/reconcile.js';
import { loadConfig } from '../../src/config/index.js';
import { handleMessage } from '../../src/handlers/handle-message.js';
import { silentLogger } from '../../src/log/logger.js';
import type { ReconcileReport } from '../../src/reconcile/report.js';
import { createSyncContext } from '../../src/runtime.js';
import { expectWorkloadApplied } from '../support/expect-workload.js';
import { ROOT } from '../support/functions.js';
import { type NotionSandbox, type SandboxPage, startNotionSandbox } from '../support/notion-sandbox/index.js';
import { workspace } from '../support/notion-view.js';
import {
  makeProject,
  makeSection,
  makeTask,
  startTodoistFake,
  type TodoistFake,
  type TodoistRecord,
} from '../support/todoist-fake/index.js';
import { deliveries, makeWorkload, rng } from '../support/workload.js';

const HOUR = 3_600_000;
const CLI = fileURLToPath(new URL('../../src/cli/reconcile.ts', import.meta.url));
const TSX = fileURLToPath(new URL('../../node_modules/tsx/dist/loader.mjs', import.meta.url));

/** The real CLI in its own process (another instance): resolves with its exit code and report. */
function spawnCli(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', TSX, CLI, '--json', ...args], {
    cwd: ROOT,
    env: { PATH: process.env['PATH'] ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => {
    out += c.toString();
  });
  child.stderr.on('data', (c: Buffer) => {
    err += c.toString();
  });
  return new Promise<{ code: number | null; report: ReconcileReport; stderr: string }>((resolve, reject) =>
    child.on('exit', (code) => {
      try {
        resolve({ code, report: JSON.parse(out) as ReconcileReport, stderr: err });
      } catch {
        reject(new Error(`reconcile CLI exited ${code} without a report: ${err.slice(0, 2000)}`));
      }
    }),
  );
}
const stamp = (ms: number) => `${new Date(ms).toISOString().slice(0, 19)}.000000Z`;

function envFor(sandbox: NotionSandbox, fake: TodoistFake, extra: Record<string, string> = {}) {
  return {
    NOTION_TOKEN: 'secret-token-for-tests',
    NOTION_BASE_URL: sandbox.url,
    NOTION_AREAS_DATABASE_ID: sandbox.databases.areas,
    NOTION_PROJECTS_DATABASE_ID: sandbox.databases.projects,
    NOTION_TODOS_DATABASE_ID: sandbox.databases.todos,
    NOTION_RPS: '300',
    NOTION_CONCURRENCY: '8',
    NOTION_INDEX_LAG_MS: '400',
    NOTION_TIMEOUT_MS: '4000',
    CLAIM_LEASE_MS: '8000',
    TODOIST_API_TOKEN: fake.token,
    TODOIST_BASE_URL: fake.url,
    STATE_STORE: 'firestore',
    STATE_COLLECTION_PREFIX: `r${randomUUID().slice(0, 8)}`,
    FIRESTORE_EMULATOR_HOST: process.env['FIRESTORE_EMULATOR_HOST'] ?? '',
    GOOGLE_CLOUD_PROJECT: process.env['GOOGLE_CLOUD_PROJECT'] ?? 'demo-nts',
    ...extra,
  };
}

/** Runs the CLI in-process as a fresh instance would, and reads its JSON report. */
async function runCli(args: string[], env: Record<string, string>) {
  let out = '';
  let err = '';
  const io: CliIo = {
    stdout: (s) => {
      out += s;
    },
    stderr: (s) => {
      err += s;
    },
    isTTY: false,
  };
  const code = await main(['--json', ...args], env, io);
  return { code, report: JSON.parse(out) as ReconcileReport, stderr: err };
}

function writesOf(sandbox: NotionSandbox) {
  const by = sandbox.counts().byRoute;
  return {
    posts: by['POST /v1/pages'] ?? 0,
    patches: by['PATCH /v1/pages/:id'] ?? 0,
    total: sandbox.counts().total,
  };
}

const DUE_FORMS = [
  { due: { date: '2026-12-05', string: 'Dec 5', is_recurring: false }, start: '2026-12-05', zone: null },
  {
    due: { date: '2026-12-05T09:30:00', string: 'Dec 5 9:30', is_recurring: false },
    start: '2026-12-05T09:30:00',
    zone: null,
  },
  {
    due: { date: '2026-12-05T08:00:00Z', string: 'Dec 5 9am', is_recurring: false, timezone: 'Europe/Paris' },
    start: '2026-12-05T09:00:00',
    zone: 'Europe/Paris',
  },
  { due: { date: '2026-12-06', string: 'every day', is_recurring: true }, start: '2026-12-06', zone: null },
  { due: null, start: null, zone: null },
] as const;
const AREAS = ['Home', 'Work', 'Garden'];
const LONG = 'Lorem ipsum dolor sit amet. '.repeat(160); // 4,480 characters: three rich-text objects

/** An account of 300 tasks in 5 projects: subtasks two deep, sections, every due form, long descriptions. */
function account(base: number) {
  const projects = Array.from({ length: 5 }, (_, p) => makeProject({ id: `proj${p}`, name: `Project ${p}` }));
  const sections = projects.flatMap((p, i) =>
    [0, 1].map((s) => makeSection({ id: `sec${i}${s}`, project_id: p.id, name: `Section ${i}.${s}` })),
  );
  const tasks: TodoistRecord[] = [];
  for (let i = 0; i < 300; i++) {
    const project = `proj${i % 5}`;
    const child = i % 10 === 1 || i % 10 === 2; // i%10==2 is a grandchild
    tasks.push(
      makeTask({
        id: `t${String(i).padStart(3, '0')}`,
        content: `Task ${i}`,
        project_id: child ? `proj${(i - 1) % 5}` : project,
        parent_id: child ? `t${String(i - 1).padStart(3, '0')}` : null,
        section_id: i % 3 === 0 ? `sec${i % 5}${i % 2}` : null,
        labels: [`area:${AREAS[i % 3]}`, ...(i % 4 === 0 ? ['errand'] : [])],
        priority: 1 + (i % 4),
        due: DUE_FORMS[i % 5]?.due ?? null,
        description: i % 7 === 0 ? LONG : `Note ${i}`,
        updated_at: stamp(base + i * 1000),
      }),
    );
  }
  // Subtasks inherit their parent's project in Todoist.
  for (const t of tasks)
    if (t['parent_id']) t['project_id'] = tasks.find((p) => p.id === t['parent_id'])?.['project_id'];
  return { projects, sections, tasks };
}

function text(value: unknown): string {
  const v = value as { title?: Array<{ plain_text: string }>; rich_text?: Array<{ plain_text: string }> };
  return (v.title ?? v.rich_text ?? []).map((t) => t.plain_text).join('');
}

describe('reconcile: backfill, no-drift runs, changes, completions, confirmed deletes (sandbox + Firestore)', () => {
  let sandbox: NotionSandbox;
  let fake: TodoistFake;
  let env: Record<string, string>;
  const base = Date.now() - 48 * HOUR;
  const data = account(base);

  beforeAll(async () => {
    sandbox = await startNotionSandbox({ lagMs: 300 });
    fake = await startTodoistFake({ ...data, rateLimitEvery: 7, retryAfterSeconds: 0 });
    env = envFor(sandbox, fake);
  });
  afterAll(async () => {
    await fake?.close();
    await sandbox?.close();
  });

  const livePages = () => sandbox.pages({ databaseId: sandbox.databases.todos });
  const pageOf = (id: string): SandboxPage[] =>
    livePages().filter((p) => text(p.properties['Todoist ID']) === id);

  it('backfills 300 tasks once each; the brake holds back a runaway until the backfill is confirmed', async () => {
    const braked = await runCli([], env);
    expect(braked.code).toBe(1);
    expect(braked.report).toMatchObject({ status: 'braked', created: 200 });
    expect(braked.report.deferred).toBe(100);
    expect(braked.stderr).toMatch(/"severity":"CRITICAL","message":"runaway brake/);
    const first = writesOf(sandbox);

    const confirmed = await runCli(['--allow-creates'], env);
    expect(confirmed.code).toBe(0);
    expect(confirmed.report).toMatchObject({
      status: 'done',
      created: 100,
      unchanged: 200,
      failed: 0,
      tasks: 300,
    });
    const backfill = writesOf(sandbox);

    const view = workspace(sandbox);
    expect(view.duplicateTodos).toBe(0);
    expect(view.duplicateAreas).toBe(0);
    expect(livePages()).toHaveLength(300);
    expect(
      sandbox
        .pages({ databaseId: sandbox.databases.projects })
        .map((p) => text(p.properties['Name']))
        .sort(),
    ).toEqual(data.projects.map((p) => p['name']).sort());
    expect([...view.areaGroups.keys()].sort()).toEqual(['garden', 'home', 'work']);
    expect(backfill.posts).toBe(300 + 5 + 3);
    for (const [i, task] of data.tasks.entries()) {
      const pages = pageOf(task.id);
      expect(pages, task.id).toHaveLength(1);
      const p = pages[0]?.properties ?? {};
      expect(text(p['Name'])).toBe(`Task ${i}`);
      expect((p['Priority'] as { select: { name: string } }).select.name).toBe(`P${5 - (1 + (i % 4))}`);
      expect(text(p['Description'])).toBe(task['description']);
      const form = DUE_FORMS[i % 5];
      const due = (p['Due'] as { date: { start: string; time_zone: string | null } | null }).date;
      expect(due?.start ?? null, `${task.id} due`).toBe(form?.start);
      expect(due?.time_zone ?? null, `${task.id} zone`).toBe(form?.zone);
    }
    console.log(
      JSON.stringify({
        backfill: {
          tasks: 300,
          brakedRun: first,
          confirmedRun: {
            posts: backfill.posts - first.posts,
            patches: backfill.patches - first.patches,
            total: backfill.total - first.total,
          },
          total: backfill,
        },
        todoistRequests: fake.counts(),
        byRoute: sandbox.counts().byRoute,
      }),
    );
  });

  it('a second run with no change makes no Notion write', async () => {
    const before = writesOf(sandbox);
    const again = await runCli([], env);
    expect(again.code).toBe(0);
    expect(again.report).toMatchObject({
      status: 'done',
      created: 0,
      updated: 0,
      trashed: 0,
      unchanged: 300,
    });
    const after = writesOf(sandbox);
    expect(after.posts - before.posts).toBe(0);
    expect(after.patches - before.patches).toBe(0);
    console.log(
      JSON.stringify({
        secondRun: { requests: after.total - before.total, byRoute: again.report.notion.byRoute },
      }),
    );
  });

  it('five changed tasks: the dry run names them, then exactly their pages are written', async () => {
    const changed = ['t010', 't011', 't057', 't123', 't299'];
    for (const [n, id] of changed.entries()) {
      const task = fake.state.tasks.get(id) as TodoistRecord;
      fake.state.tasks.set(id, {
        ...task,
        content: `Changed ${n}`,
        priority: 4,
        updated_at: stamp(Date.now() - HOUR + n),
      });
    }
    const lastEdited = new Map(livePages().map((p) => [p.id, p.last_edited_time]));
    const dry = await runCli(['--dry-run'], env);
    expect(dry.report.changes?.map((c) => `${c.action} ${c.id}`).sort()).toEqual(
      changed.map((id) => `update ${id}`),
    );
    expect(dry.report.notion.writes).toBe(0);

    const before = writesOf(sandbox);
    const run = await runCli([], env);
    expect(run.report).toMatchObject({ status: 'done', updated: 5, created: 0, unchanged: 295 });
    const after = writesOf(sandbox);
    expect(after.posts - before.posts).toBe(0);
    expect(after.patches - before.patches).toBe(5);
    const touched = livePages().filter((p) => p.last_edited_time !== lastEdited.get(p.id));
    expect(touched.map((p) => text(p.properties['Todoist ID'])).sort()).toEqual(changed);
    expect(text(pageOf('t057')[0]?.properties['Name'])).toBe('Changed 2');
  });

  it('completed tasks are marked done; a deleted one is trashed only once Todoist confirms it gone', async () => {
    for (const id of ['t020', 't021']) {
      const task = fake.state.tasks.get(id) as TodoistRecord;
      fake.state.tasks.delete(id);
      fake.state.completed.set(id, { ...task, checked: true, completed_at: stamp(Date.now() - 60_000) });
    }
    fake.state.tasks.delete('t030');
    const run = await runCli([], env);
    expect(run.report).toMatchObject({ status: 'done', updated: 2, trashed: 1, created: 0 });
    expect(run.report.notion.writes).toBe(3);
    for (const id of ['t020', 't021'])
      expect(pageOf(id)[0]?.properties['Done']).toMatchObject({ checkbox: true });
    expect(pageOf('t030')).toHaveLength(0);
    expect(
      sandbox.pages({ databaseId: sandbox.databases.todos, includeTrashed: true }).filter((p) => p.in_trash),
    ).toHaveLength(1);
  });
  it('the CLI prints a readable dry run and refuses bad arguments', async () => {
    const task = fake.state.tasks.get('t100') as TodoistRecord;
    fake.state.tasks.set('t100', {
      ...task,
      content: 'Edited for the dry run',
      updated_at: stamp(Date.now() - 1000),
    });
    let out = '';
    const io: CliIo = {
      stdout: (s) => {
        out += s;
      },
      stderr: () => {},
      isTTY: false,
    };
    expect(await main(['--dry-run'], env, io)).toBe(0);
    expect(out).toContain('Dry run done: 297 active tasks');
    expect(out).toContain('update  todo t100 "Edited for the dry run"');
    expect(out).toContain('Dry run: nothing was written to Notion or the state store.');
    expect(await main(['--create-limit', 'many'], env, io)).toBe(2);
    expect(await main(['--allow-creates', '--create-limit', '5'], env, io)).toBe(2);
  });
});

describe('reconcile racing a replay of webhook events for the same tasks', () => {
  let sandbox: NotionSandbox;
  let fake: TodoistFake;

  beforeAll(async () => {
    sandbox = await startNotionSandbox({ lagMs: 300 });
  });
  afterAll(async () => {
    await fake?.close();
    await sandbox?.close();
  });

  it('leaves one page per task showing the newest state, whichever lands first', async () => {
    const workload = makeWorkload({ tasks: 40, eventsPerTask: 4, areas: 4, seed: 21, deleteShare: 0.1 });
    // Todoist's answer to the listing: the newest state for half the tasks, one edit behind for the
    // other half (the user changed them while the reconcile ran); deleted tasks are gone.
    const byTask = new Map<string, Array<Record<string, unknown>>>();
    for (const ev of workload.events) {
      const task = (JSON.parse(ev.body) as { event_data: Record<string, unknown> }).event_data;
      byTask.set(ev.taskId, [...(byTask.get(ev.taskId) ?? []), task]);
    }
    const tasks: TodoistRecord[] = [];
    const completed: TodoistRecord[] = [];
    [...byTask.values()].forEach((states, i) => {
      const last = states[states.length - 1] as TodoistRecord;
      if (last['is_deleted']) return;
      const chosen = (i % 2 === 0 ? last : (states[states.length - 2] ?? last)) as TodoistRecord;
      (chosen['checked'] ? completed : tasks).push(chosen);
    });
    fake = await startTodoistFake({
      tasks,
      completed,
      projects: [makeProject({ id: '6cVp2Lk7NzQf9BsW', name: 'Inbox' })],
    });
    const env = envFor(sandbox, fake);
    const config = loadConfig(env, 'sync');
    const events = createSyncContext(config, silentLogger); // another instance, same Firestore
    const sends = deliveries(workload.events, 9, 2);
    const pick = rng(4);

    const replay = (async () => {
      let next = 0;
      await Promise.all(
        Array.from({ length: 6 }, async () => {
          while (next < sends.length) {
            const ev = sends[next++];
            if (!ev) break;
            if (pick() < 0.2) await new Promise((r) => setTimeout(r, 5));
            for (let attempt = 0; ; attempt++) {
              try {
                await handleMessage(events, {
                  body: Buffer.from(ev.body),
                  attributes: { deliveryId: ev.deliveryId },
                  messageId: `m-${ev.deliveryId}-${next}`,
                });
                break;
              } catch (error) {
                if (attempt > 20) throw error;
                await new Promise((r) => setTimeout(r, 100));
              }
            }
          }
        }),
      );
    })();
    const [cli] = await Promise.all([spawnCli(['--allow-creates'], env), replay]);
    expect(cli.report.failed, cli.stderr).toBe(0);
    expect(cli.code).toBe(0);
    // A second reconcile after the replay changes nothing it should not.
    await runCli([], env);
    await events.store.close();

    const view = workspace(sandbox);
    expectWorkloadApplied(view, workload.expected);
  });
});
