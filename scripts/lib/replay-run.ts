/**
 * One end-to-end replay: three syncTodoistEvent processes (built dist/ under functions-framework)
 * on one Firestore emulator, each behind a proxy that can stall it, a Notion sandbox with a
 * 1.5–2.5 s index lag, and a seeded workload delivered at least once, reordered and redelivered.
 * With faults: Notion errors and lost create responses, one instance cut off from Firestore for
 * longer than the claim lease, one instance SIGKILLed and restarted. Then it counts what a person
 * would see wrong: pages beyond one per task, project and area (trashed ones too), subtasks not
 * linked to their parent's page, tasks not in their final state.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { normaliseName } from '../../src/exactly-once/keys.js';
import { type FunctionProcess, pushMessage, startFunction, syncEnv } from '../../test/support/functions.js';
import { startNotionSandbox } from '../../test/support/notion-sandbox/index.js';
import { titleOf, workspace } from '../../test/support/notion-view.js';
import { startStallableProxy } from '../../test/support/tcp-proxy.js';
import { makeWorkload, rng, type Workload } from '../../test/support/workload.js';
import { taskProblems } from './check-state.js';
import { createDeliveryQueue } from './delivery-queue.js';
import { replayOrder } from './replay-order.js';

export interface ReplayOptions {
  workload: 'plain' | 'subtasks';
  faults: boolean;
  seed: number;
  /** `host:port` of a running Firestore emulator. */
  firestoreHost: string;
  tasks?: number;
  /** Where to write every instance's log lines when the run shows a problem. */
  logDir?: string | undefined;
}

export interface ReplayResult {
  seed: number;
  workload: 'plain' | 'subtasks';
  faults: boolean;
  lagMs: number;
  events: number;
  deliveries: number;
  elapsedMs: number;
  /** Keys with more than one page ever created, live or trashed. */
  extraPages: string[];
  /** Subtasks whose page does not point at their parent's live page. */
  unlinked: string[];
  /** Tasks (or the project) not showing their final state, and messages never acked. */
  wrong: string[];
  notionRequests: number;
  /** How often the instances logged the races this replay is meant to provoke. */
  signals: Record<string, number>;
}

/** Log messages that show the faults took effect and the races were met. */
const SIGNALS: Record<string, string> = {
  takeovers: 'expired claim taken over',
  lostClaims: 'claim taken over by another instance',
  heldBack: 'create held back',
  discarded: 'a page created while the claim was lost is discarded',
  outcomeUnknown: 'create outcome unknown',
  restored: 'page trashed by the sync is restored',
  replaced: 'page removed outside the sync',
  linked: 'subtasks linked to their parent',
  stale: 'stale event skipped',
};

function tallySignals(syncs: FunctionProcess[]): Record<string, number> {
  const lines = syncs.flatMap((s) => s.lines);
  return Object.fromEntries(
    Object.entries(SIGNALS).map(([name, text]) => [name, lines.filter((l) => l.includes(text)).length]),
  );
}

const PROJECT_ID = '6XR4H993xv8H5qCR';
const PROJECT_NAME = 'Kitchen renovation';
const LEASE_MS = 7_000;
/** Pub/Sub's ack deadline as the replay sets it: a push unanswered by then is redelivered. */
const ACK_DEADLINE_MS = 60_000;
/** A run still unsettled by then is stuck: its logs are written (with --logs). */
const STUCK_AFTER_MS = 150_000;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function projectAdded(): string {
  return JSON.stringify({
    event_name: 'project:added',
    user_id: '2671355',
    event_data: {
      id: PROJECT_ID,
      name: PROJECT_NAME,
      is_archived: false,
      is_deleted: false,
      updated_at: '2026-11-02T00:00:00.000000Z',
    },
    triggered_at: '2026-11-02T00:00:00.000000Z',
    version: '1',
  });
}

/** Runs one replay and reports what it left behind. */
export async function runReplay(options: ReplayOptions): Promise<ReplayResult> {
  const started = Date.now();
  const random = rng(options.seed * 31 + 5);
  const lagMs = 1_500 + Math.floor(random() * 1_000);
  const sandbox = await startNotionSandbox({
    lagMs,
    rps: 15,
    seed: options.seed,
    errorRate: options.faults ? 0.05 : 0,
    lostCreateRate: options.faults ? 0.03 : 0,
  });
  const proxies = await Promise.all([1, 2, 3].map(() => startStallableProxy(options.firestoreHost)));
  const prefix = `r${options.seed}x${randomUUID().slice(0, 6)}`;
  const syncs: FunctionProcess[] = [];
  try {
    for (const proxy of proxies) {
      const env = syncEnv(sandbox, {
        FIRESTORE_EMULATOR_HOST: proxy.host,
        STATE_COLLECTION_PREFIX: prefix,
        NOTION_RPS: '5',
        NOTION_TIMEOUT_MS: '3000',
        NOTION_INDEX_LAG_MS: '3000',
        CLAIM_LEASE_MS: String(LEASE_MS),
      });
      syncs.push(await startFunction('syncTodoistEvent', env));
    }
    const workload = makeWorkload({
      tasks: options.tasks ?? 30,
      eventsPerTask: 4,
      areas: 6,
      seed: options.seed,
      projectId: PROJECT_ID,
      deleteShare: 0.2,
      subtaskShare: options.workload === 'subtasks' ? 0.5 : 0,
    });
    const sends = replayOrder(workload, options.seed);
    const overdue: string[] = [];
    const queue = createDeliveryQueue({
      concurrency: 6,
      maxAttempts: 60,
      retryDelayMs: (attempt) => Math.min(200 * 2 ** attempt, 2_000),
      handle: async (message) => {
        const alive = syncs.filter((s) => s.alive());
        const target = alive[Math.floor(Math.random() * alive.length)];
        if (!target) throw new Error('no instance alive');
        // Pub/Sub redelivers a push unanswered by the ack deadline; a handler that never answers is a bug.
        const status = await pushMessage(
          target.url,
          { body: message.data, attributes: message.attributes, messageId: message.messageId },
          AbortSignal.timeout(ACK_DEADLINE_MS),
        ).catch((error: unknown) => {
          if (error instanceof Error && error.name === 'TimeoutError') overdue.push(message.messageId);
          throw error;
        });
        if (status >= 300) throw new Error(`instance answered ${status}`);
        return String(status);
      },
    });
    const faultsDone = options.faults ? injectFaults(sends.length, syncs, proxies) : undefined;
    const ids = new Map<string, string>();
    let sent = 0;
    for (const ev of sends) {
      const known = ids.get(ev.deliveryId);
      if (known) queue.redeliver(known);
      else
        ids.set(
          ev.deliveryId,
          await queue.publish(Buffer.from(ev.body), { deliveryId: ev.deliveryId, eventName: ev.eventName }),
        );
      sent += 1;
      faultsDone?.at(sent);
      if (sent === Math.floor(sends.length / 3)) await queue.publish(Buffer.from(projectAdded()), {});
      await sleep(30);
    }
    // A run that does not settle leaves its instances' logs behind before anyone kills it.
    const watchdog =
      options.logDir !== undefined
        ? setTimeout(() => writeStuckLogs(options, syncs), STUCK_AFTER_MS)
        : undefined;
    await faultsDone?.finished();
    await queue.idle();
    clearTimeout(watchdog);
    const result = inspect(options, workload, sandbox, queue.failures().length);
    if (overdue.length > 0)
      result.wrong.push(
        `${overdue.length} pushes unanswered after the ${ACK_DEADLINE_MS / 1000} s ack deadline`,
      );
    const outcome: ReplayResult = {
      ...result,
      seed: options.seed,
      workload: options.workload,
      faults: options.faults,
      lagMs,
      events: workload.events.length + 1,
      deliveries: sends.length + 1,
      elapsedMs: Date.now() - started,
      notionRequests: sandbox.counts().total,
      signals: tallySignals(syncs),
    };
    const bad = outcome.extraPages.length + outcome.unlinked.length + outcome.wrong.length;
    if (bad > 0 && options.logDir) writeLogs(options, syncs, outcome);
    return outcome;
  } finally {
    await Promise.all(syncs.map((s) => s.kill()));
    await Promise.all(proxies.map((p) => p.close()));
    await sandbox.close();
  }
}

/** Cuts instance 0 off from Firestore for 1.5 leases a third of the way in; SIGKILLs instance 1 past half. */
function injectFaults(
  total: number,
  syncs: FunctionProcess[],
  proxies: Array<{ pause(): void; resume(): void }>,
) {
  const pending: Array<Promise<void>> = [];
  return {
    at(sent: number) {
      if (sent === Math.floor(total / 3)) {
        proxies[0]?.pause();
        pending.push(sleep(LEASE_MS * 1.5).then(() => proxies[0]?.resume()));
      }
      if (sent === Math.floor(total * 0.55)) {
        const victim = syncs[1];
        if (victim)
          pending.push(
            victim
              .kill('SIGKILL')
              .then(() => sleep(2_000))
              .then(() => victim.restart()),
          );
      }
    },
    finished: () => Promise.all(pending).then(() => undefined),
  };
}

function inspect(
  options: ReplayOptions,
  workload: Workload,
  sandbox: Awaited<ReturnType<typeof startNotionSandbox>>,
  unacked: number,
): Pick<ReplayResult, 'extraPages' | 'unlinked' | 'wrong'> {
  const view = workspace(sandbox);
  const extraPages: string[] = [];
  const count = (label: string, groups: Map<string, number>) => {
    for (const [key, n] of groups) if (n > 1) extraPages.push(`${label} ${key}: ${n} pages`);
  };
  const tally = (keys: string[]) => {
    const m = new Map<string, number>();
    for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
    return m;
  };
  count('todo', tally(view.todos.map((t) => t.todoistId)));
  count('area', tally(view.areas.map((a) => normaliseName(titleOf(a)))));
  const projectIdOf = (p: (typeof view.projects)[number]) =>
    ((p.properties['Todoist ID'] as { rich_text?: Array<{ plain_text?: string }> })?.rich_text ?? [])
      .map((r) => r.plain_text ?? '')
      .join('');
  count('project', tally(view.projects.map(projectIdOf)));

  const live = (taskId: string) => (view.todosByTask.get(taskId) ?? []).filter((p) => !p.inTrash);
  const raw = new Map(sandbox.pages({ databaseId: sandbox.databases.todos }).map((p) => [p.id, p]));
  const unlinked: string[] = [];
  for (const want of workload.expected.values()) {
    if (!want.parentId || want.deleted) continue;
    const child = live(want.taskId)[0];
    const parent = live(want.parentId)[0];
    const links = (
      (raw.get(child?.id ?? '')?.properties['Parent'] as { relation?: Array<{ id: string }> })?.relation ?? []
    ).map((r) => r.id);
    if (!child || !parent || links.length !== 1 || links[0] !== parent.id)
      unlinked.push(`${want.name}: Parent [${links.join(', ')}], parent page ${parent?.id ?? 'none'}`);
  }

  const wrong = taskProblems(sandbox, workload.expected.values());
  const projects = view.projects.filter((p) => !p.in_trash);
  if (projects.length !== 1 || titleOf(projects[0] as (typeof projects)[number]) !== PROJECT_NAME)
    wrong.push(`project: ${projects.map(titleOf).join(', ') || 'none'} instead of ${PROJECT_NAME}`);
  for (const [taskId, pages] of view.todosByTask) {
    const projectIds = pages.find((p) => !p.inTrash)?.projectIds ?? [];
    if (pages.some((p) => !p.inTrash) && projectIds[0] !== projects[0]?.id)
      wrong.push(`${taskId}: Project [${projectIds.join(', ')}]`);
  }
  if (unacked > 0) wrong.push(`${unacked} messages never acknowledged`);
  void options;
  return { extraPages, unlinked, wrong };
}

function writeStuckLogs(options: ReplayOptions, syncs: FunctionProcess[]): void {
  const dir = options.logDir ?? '.';
  mkdirSync(dir, { recursive: true });
  const base = `replay-${options.workload}-${options.faults ? 'faults' : 'clean'}-seed${options.seed}-stuck`;
  syncs.forEach((s, i) => {
    writeFileSync(join(dir, `${base}-i${i}.log`), `${s.lines.join('\n')}\n`);
  });
  process.stderr.write(
    `seed ${options.seed}: not settled after ${STUCK_AFTER_MS / 1000} s; logs in ${dir}\n`,
  );
}

function writeLogs(options: ReplayOptions, syncs: FunctionProcess[], outcome: ReplayResult): void {
  const dir = options.logDir ?? '.';
  mkdirSync(dir, { recursive: true });
  const base = `replay-${options.workload}-${options.faults ? 'faults' : 'clean'}-seed${options.seed}`;
  syncs.forEach((s, i) => {
    writeFileSync(join(dir, `${base}-i${i}.log`), `${s.lines.join('\n')}\n`);
  });
  writeFileSync(join(dir, `${base}-result.json`), `${JSON.stringify(outcome, null, 2)}\n`);
}
