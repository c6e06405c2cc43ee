/**
 * The backfill part of the benchmark: a first reconcile of an account of N tasks (confirmed, so
 * the runaway brake is lifted) against the Notion sandbox at Notion's rate, time-scaled like the
 * rest of the benchmark. The run is killed part-way (every store and Notion call fails from then
 * on, answers in flight are lost) and a fresh instance resumes it on the same store, as the next
 * scheduled tick would: it must create only the pages still missing and rewrite no finished task.
 */
import { loadConfig } from '../../src/config/index.js';
import { ENTITIES, type EntityDoc } from '../../src/exactly-once/entity-state.js';
import { createLogger } from '../../src/log/logger.js';
import { createNotionApi } from '../../src/notion/client.js';
import type { NotionApi } from '../../src/notion/types.js';
import { reconcile } from '../../src/reconcile/index.js';
import { createSyncContext } from '../../src/runtime.js';
import { createMemoryStore } from '../../src/state/memory.js';
import { type NotionSandbox, startNotionSandbox } from '../../test/support/notion-sandbox/index.js';
import { workspace } from '../../test/support/notion-view.js';
import { startTodoistFake } from '../../test/support/todoist-fake/index.js';
import { benchAccount } from './bench-account.js';
import { countingStore, type OpCounts } from './counting-store.js';
import { createKillSwitch } from './kill-switch.js';
import { round } from './stats.js';
import { MEMORY_STORE, syncEnv } from './sync-env.js';

export interface BackfillSettings {
  tasks: number;
  scale: number;
  /** Notion's real average rate and index lag, before scaling. */
  notionRps: number;
  lagMs: number;
  /** Share of the work done when the first run is killed. */
  interruptAt: number;
  /** Notion requests in flight (NOTION_CONCURRENCY). */
  concurrency: number;
}

export interface BackfillPhase {
  requests: number;
  creates: number;
  patches: number;
  elapsedMs: number;
  status: string;
}

export interface BackfillResult {
  tasks: number;
  scale: number;
  scaledRps: number;
  untilKilled: BackfillPhase;
  resumed: BackfillPhase & {
    /** Scaled ms the resumed run waited for the dead run's reconcile lease to expire. */
    waitedForLeaseMs: number;
    /** Tasks Notion already showed when the run was killed, and PATCHes the resumed run sent them. */
    doneBeforeResume: number;
    rewritesOfDoneTasks: number;
  };
  notionRequests: number;
  requestsPerTask: number;
  rateLimited: number;
  rateLimitedShare: number;
  /** Requests/s while a run was working (lease wait excluded), scaled, and as a share of the limit. */
  heldRps: number;
  heldShareOfLimit: number;
  /** How long the same requests take at Notion's real rate. */
  minutesAtNotionRate: number;
  livePages: number;
  duplicates: number;
  tasksWithoutOnePage: number;
  firestoreOpsPerTask: OpCounts;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function phase(sandbox: NotionSandbox, before: { total: number; byRoute: Record<string, number> }) {
  const now = sandbox.counts();
  const route = (r: string) => (now.byRoute[r] ?? 0) - (before.byRoute[r] ?? 0);
  return {
    requests: now.total - before.total,
    creates: route('POST /v1/pages'),
    patches: route('PATCH /v1/pages/:id'),
  };
}

function todoistIdOf(page: { properties: Record<string, unknown> }): string {
  const v = page.properties['Todoist ID'] as { rich_text?: Array<{ plain_text?: string }> } | undefined;
  return (v?.rich_text ?? []).map((t) => t.plain_text ?? '').join('');
}

/** Runs the interrupted and resumed backfill and reports its pace, its 429s and what the resume did. */
export async function measureBackfill(settings: BackfillSettings): Promise<BackfillResult> {
  const { tasks, scale } = settings;
  const rps = settings.notionRps * scale;
  const sandbox = await startNotionSandbox({ lagMs: Math.round(settings.lagMs / scale), rps, seed: 11 });
  const todoist = await startTodoistFake(benchAccount(tasks, Date.now()));
  const inner = createMemoryStore();
  const store = countingStore(inner);
  const env = syncEnv(sandbox, MEMORY_STORE.env, {
    NOTION_RPS: String(rps),
    NOTION_CONCURRENCY: String(settings.concurrency),
    NOTION_INDEX_LAG_MS: String(Math.round(10_000 / scale)),
    NOTION_TIMEOUT_MS: String(Math.round(15_000 / scale)),
    CLAIM_LEASE_MS: String(Math.round(30_000 / scale)),
    TODOIST_API_TOKEN: todoist.token,
    TODOIST_BASE_URL: todoist.url,
    LOG_LEVEL: 'ERROR',
  });
  const config = loadConfig(env, 'reconcile');
  const logger = createLogger({ sink: () => {}, minSeverity: 'ERROR' });
  // The reconcile lease (2 min in production) shrinks with the time scale like every other duration.
  const options = { allowCreates: true, leaseMs: Math.round(120_000 / scale) };
  try {
    // 1. The first instance works until it is killed part-way.
    const crash = createKillSwitch();
    const first = createNotionApi({ config: config.notion, logger });
    const dying = createSyncContext(config, logger, { store: crash.wrap(store), notion: crash.wrap(first) });
    const start1 = sandbox.counts();
    const t1 = performance.now();
    const report1 = await reconcile(dying, {
      ...options,
      onProgress: (done, total) => {
        if (done >= settings.interruptAt * total) crash.kill();
      },
    })
      .then((r): string => r.status)
      .catch(() => 'killed');
    const elapsed1 = performance.now() - t1;
    await first.close();
    const untilKilled = { ...phase(sandbox, start1), elapsedMs: round(elapsed1, 0), status: report1 };

    // 2. A fresh instance resumes on the same store and workspace, as the next tick would.
    const entities = await inner.list<EntityDoc>(ENTITIES);
    const done = new Set(
      entities
        .filter(({ data }) => data.kind === 'todo' && data.appliedHash === data.desiredHash)
        .map(({ data }) => data.key),
    );
    const patched: string[] = [];
    const second = createNotionApi({ config: config.notion, logger });
    const notion: NotionApi = {
      ...second,
      stats: () => second.stats(),
      updatePage: (pageId, patch, request) => {
        patched.push(pageId);
        return second.updatePage(pageId, patch, request);
      },
    };
    const resuming = createSyncContext(config, logger, { store, notion });
    const start2 = sandbox.counts();
    const t2 = performance.now();
    let waited = 0;
    let report2 = await reconcile(resuming, options);
    while (report2.status === 'busy') {
      // The killed run's lease has not expired yet: the next tick comes a little later.
      await sleep(100);
      waited += 100;
      report2 = await reconcile(resuming, options);
    }
    const elapsed2 = performance.now() - t2;
    await second.close();

    const view = workspace(sandbox);
    const taskOfPage = new Map(
      sandbox.pages({ databaseId: sandbox.databases.todos }).map((p) => [p.id, todoistIdOf(p)]),
    );
    const counts = sandbox.counts();
    const ops = store.counts();
    const activeMs = elapsed1 + elapsed2 - waited;
    const heldRps = counts.total / (activeMs / 1_000);
    const live = [...view.todosByTask.values()].map((pages) => pages.filter((p) => !p.inTrash).length);
    return {
      tasks,
      scale,
      scaledRps: rps,
      untilKilled,
      resumed: {
        ...phase(sandbox, start2),
        elapsedMs: round(elapsed2, 0),
        status: report2.status,
        waitedForLeaseMs: waited,
        doneBeforeResume: done.size,
        rewritesOfDoneTasks: patched.filter((id) => done.has(taskOfPage.get(id) ?? '')).length,
      },
      notionRequests: counts.total,
      requestsPerTask: round(counts.total / tasks, 3),
      rateLimited: counts.rateLimited,
      rateLimitedShare: round(counts.rateLimited / Math.max(1, counts.total), 4),
      heldRps: round(heldRps, 1),
      heldShareOfLimit: round(heldRps / rps, 3),
      minutesAtNotionRate: round(counts.total / settings.notionRps / 60, 1),
      livePages: live.reduce((a, n) => a + n, 0),
      duplicates: view.duplicateTodos,
      tasksWithoutOnePage: tasks - live.filter((n) => n === 1).length,
      firestoreOpsPerTask: {
        reads: round(ops.reads / tasks, 2),
        writes: round(ops.writes / tasks, 2),
        deletes: round(ops.deletes / tasks, 2),
      },
    };
  } finally {
    await todoist.close();
    await sandbox.close();
  }
}
