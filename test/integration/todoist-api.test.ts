import { afterEach, describe, expect, it } from 'vitest';
import { createTodoistApi, isTodoistApiError, type TodoistApi } from '../../src/todoist/api.js';
import { snapshotEvent } from '../../src/todoist/payload.js';
import type { TodoistTask } from '../../src/todoist/schemas.js';
import {
  makeProject,
  makeSection,
  makeTask,
  startTodoistFake,
  type TodoistFake,
} from '../support/todoist-fake/index.js';

let fake: TodoistFake | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

/** A client for the fake that records the waits it asked for instead of sleeping. */
function clientFor(f: TodoistFake, options: { token?: string; maxRetryAfterMs?: number } = {}) {
  const waits: number[] = [];
  const api: TodoistApi = createTodoistApi({
    token: options.token ?? f.token,
    baseUrl: f.url,
    pageSize: 200,
    maxRetryAfterMs: options.maxRetryAfterMs,
    sleep: async (ms) => {
      waits.push(ms);
    },
  });
  return { api, waits };
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

const ids = (n: number, prefix = 't') =>
  Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(4, '0')}`);

describe('Todoist API v1 client against the fake', () => {
  it('reads 450 tasks in three pages of at most 200', async () => {
    fake = await startTodoistFake({ tasks: ids(450).map((id) => makeTask({ id })) });
    const { api } = clientFor(fake);
    const tasks = await collect(api.getTasks());
    expect(tasks.map((t) => t.id)).toEqual(ids(450));
    expect(fake.counts().byRoute['GET /api/v1/tasks']).toBe(3);
  });

  it('passes filters on every page', async () => {
    const tasks = ids(250).map((id, i) => makeTask({ id, project_id: i % 2 === 0 ? 'even' : 'odd' }));
    fake = await startTodoistFake({ tasks });
    const { api } = clientFor(fake);
    const even = await collect(api.getTasks({ projectId: 'even' }));
    expect(even).toHaveLength(125);
    expect(even.every((t) => t.project_id === 'even')).toBe(true);
  });

  it('rides out 429s, waiting as long as Retry-After says', async () => {
    fake = await startTodoistFake({
      tasks: ids(450).map((id) => makeTask({ id })),
      rateLimitEvery: 2,
      retryAfterSeconds: 3,
    });
    const { api, waits } = clientFor(fake);
    const tasks = await collect(api.getTasks());
    expect(tasks).toHaveLength(450);
    expect(fake.counts().rateLimited).toBeGreaterThan(0);
    expect(waits).toEqual(Array(fake.counts().rateLimited).fill(3000));
  });

  it('gives a 429 asking for too long a wait back to the caller as transient', async () => {
    fake = await startTodoistFake({
      projects: [makeProject({ id: 'p1' })],
      rateLimitEvery: 1,
      retryAfterSeconds: 900,
    });
    const { api, waits } = clientFor(fake, { maxRetryAfterMs: 60_000 });
    const error = await api.getProject('p1').catch((e: unknown) => e);
    expect(isTodoistApiError(error, 'rate_limited')).toBe(true);
    expect(isTodoistApiError(error) && error.transient && error.retryAfterMs).toBe(900_000);
    expect(waits).toEqual([]);
  });

  it('getTask: a missing or completed task is undefined, an active one is parsed', async () => {
    fake = await startTodoistFake({
      tasks: [makeTask({ id: 'open', priority: 4, collapsed: 1 }), makeTask({ id: 'done', checked: true })],
    });
    const { api } = clientFor(fake);
    expect(await api.getTask('nope')).toBeUndefined();
    expect(await api.getTask('done')).toBeUndefined();
    expect(await api.getTask('open')).toMatchObject({ id: 'open', priority: 4, checked: false });
  });

  it('retries a 503 for a GET, then succeeds', async () => {
    fake = await startTodoistFake({ projects: [makeProject({ id: 'p1', name: 'Kitchen' })] });
    fake.failNext(503, 2);
    const { api, waits } = clientFor(fake);
    expect(await api.getProject('p1')).toMatchObject({ id: 'p1', name: 'Kitchen' });
    expect(waits).toHaveLength(2);
  });

  it('gives up on a lasting 500 with a transient server_error', async () => {
    fake = await startTodoistFake({ projects: [makeProject({ id: 'p1' })] });
    fake.failNext(500, 10);
    const { api } = clientFor(fake);
    const error = await api.getProject('p1').catch((e: unknown) => e);
    expect(isTodoistApiError(error, 'server_error') && error.transient).toBe(true);
    expect(fake.counts().failed).toBe(4);
  });

  it('a wrong token is unauthorized and not transient', async () => {
    fake = await startTodoistFake({ projects: [makeProject({ id: 'p1' })] });
    const { api } = clientFor(fake, { token: 'wrong' });
    const error = await api.getProject('p1').catch((e: unknown) => e);
    expect(isTodoistApiError(error, 'unauthorized') && !error.transient).toBe(true);
    expect(String((error as Error).message)).not.toContain('wrong');
  });

  it('a closed port is a transient network_error', async () => {
    fake = await startTodoistFake();
    const url = fake.url;
    await fake.close();
    fake = undefined;
    const api = createTodoistApi({ token: 't', baseUrl: url, sleep: async () => {} });
    const error = await api.getTask('x').catch((e: unknown) => e);
    expect(isTodoistApiError(error, 'network_error') && error.transient).toBe(true);
  });

  it('reads completed tasks (`items` pages), projects, sections and collaborators', async () => {
    const completed = ids(230, 'c').map((id, i) =>
      makeTask({
        id,
        checked: true,
        completed_at: `2025-02-${String(10 + (i % 5)).padStart(2, '0')}T09:00:00.000000Z`,
      }),
    );
    fake = await startTodoistFake({
      completed,
      projects: [makeProject({ id: 'p1', name: 'Kitchen' }), makeProject({ id: 'p2', is_archived: true })],
      sections: [makeSection({ id: 's1', name: 'Errands' })],
      collaborators: { p1: [{ id: '2671362', name: 'Alice', email: 'alice@example.com' }] },
    });
    const { api } = clientFor(fake);
    const done = await collect(
      api.getCompletedTasks({ since: '2025-02-10T00:00:00Z', until: '2025-02-12T23:59:59Z' }),
    );
    expect(done).toHaveLength(138);
    expect(done.every((t) => t.checked)).toBe(true);
    expect((await collect(api.getProjects())).map((p) => p.name)).toEqual(['Kitchen']);
    expect(await api.getSection('s1')).toMatchObject({ id: 's1', name: 'Errands' });
    expect(await api.getSection('s9')).toBeUndefined();
    expect(await collect(api.getCollaborators('p1'))).toEqual([
      { id: '2671362', name: 'Alice', email: 'alice@example.com' },
    ]);
  });

  it('skips a record without a usable id instead of failing the listing; an odd field costs only that field', async () => {
    fake = await startTodoistFake({
      tasks: [makeTask({ id: 'ok' }), { id: 'odd', priority: 9 }, { id: '', content: 'no id' }],
    });
    const { api } = clientFor(fake);
    const tasks = await collect(api.getTasks());
    expect(tasks.map((t) => t.id)).toEqual(['ok', 'odd']);
    expect(snapshotEvent(tasks[1] as TodoistTask)).toMatchObject({
      issues: [expect.objectContaining({ field: 'priority', value: 9 })],
    });
    expect(snapshotEvent(tasks[1] as TodoistTask).absent?.has('priority')).toBe(true);
  });
});
