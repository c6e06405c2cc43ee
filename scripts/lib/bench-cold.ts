/**
 * The cold-start part of the benchmark: each built function (Firestore store on the emulator when
 * there is one, a fresh collection prefix per trial; start-up audit on for the sync, as deployed)
 * beside bare functions-framework functions, each the median of a few fresh processes, alternating,
 * after one uncounted round that warms the emulators. Notion and Todoist answer at once (local
 * stand-ins), the webhook publishes to the Pub/Sub emulator, so the figure is the process's own
 * start-up plus its first request's work; at Notion's real 3 requests/s add ⅓ s per Notion request
 * the first event made. Each trial also sends the same kind of event once more, warm, so the
 * report can split the figure (cold-split.ts).
 */
import { startFirestoreEmulator, startPubSubEmulator } from '../../test/support/emulators.js';
import { startNotionSandbox } from '../../test/support/notion-sandbox/index.js';
import { createTopic } from '../../test/support/pubsub-rest.js';
import { makeProject, startTodoistFake } from '../../test/support/todoist-fake/index.js';
import { type ColdSplit, coldSplit } from './cold-split.js';
import {
  type ColdStartTarget,
  type ColdTrial,
  type ColdTrialOptions,
  coldStartTrial,
  type FirstRequest,
  pushOf,
} from './cold-start.js';
import { median, round } from './stats.js';
import { DEMO_CLIENT_SECRET, DEMO_PROJECT_ID, firestoreStore, MEMORY_STORE, syncEnv } from './sync-env.js';
import { taskEventBody, todoistStamp, webhookRequest } from './todoist-payloads.js';

export const COLD_FUNCTIONS = ['syncTodoistEvent', 'todoistWebhook', 'reconcileTodoist'] as const;
export type ColdFunction = (typeof COLD_FUNCTIONS)[number];

/** Median milliseconds to the first handled request, per function, beside the bare functions. */
export type ColdStart = Record<ColdFunction, number | null> & {
  trials: number;
  /** The bare CloudEvent function: the figure each function is compared with. */
  bare: number;
  /** The bare HTTP function (the webhook's own kind), for reference. */
  bareHttp: number;
  /** Each function's median over the bare one of the same run. */
  ratio: Record<ColdFunction, number | null>;
  /** Why a function was not measured (e.g. no Pub/Sub emulator for the webhook). */
  skipped: Partial<Record<ColdFunction, string>>;
  /** The state store the sync and reconcile used: the Firestore emulator as deployed, else memory. */
  store: string;
  /** Process ready, first event, the same event warm (medians) per function and for the bare ones. */
  split: Record<ColdFunction | 'bare' | 'bareHttp', ColdSplit | null>;
  /** Notion requests syncTodoistEvent made before acknowledging its first event (the audit starts after it). */
  firstEventNotionRequests: number;
  /** The same requests by route (`GET /v1/databases/:id`, …). */
  firstEventNotionRoutes: Record<string, number>;
  /** Earlier names of the sync's and the bare figure, kept for readers of older results. */
  oursMs: number;
  bareMs: number;
};

function strings(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  return out;
}

/** A signed Todoist webhook POST (what todoistWebhook receives). */
function webhookPost(body: string): FirstRequest {
  return async (url, attempt) => {
    const req = webhookRequest(body, `cold-${attempt}`, DEMO_CLIENT_SECRET);
    // fetch sets content-length itself; once undici is loaded (the Notion client) a preset one is refused.
    const { 'content-length': _length, ...headers } = strings(
      req.headers as Record<string, string | undefined>,
    );
    const res = await fetch(url, {
      method: 'POST',
      headers,
      body: req.rawBody,
      signal: AbortSignal.timeout(5_000),
    });
    await res.arrayBuffer();
    return res.status;
  };
}

async function pubsubTopic(): Promise<{ host: string; stop(): Promise<void> } | string> {
  try {
    const emulator = await startPubSubEmulator();
    await createTopic(emulator.host, DEMO_PROJECT_ID, 'todoist-events');
    return emulator;
  } catch (error) {
    return `no Pub/Sub emulator to publish to (${(error instanceof Error ? error.message : String(error)).split('\n')[0]})`;
  }
}

async function firestore(): Promise<{ host: string; stop(): Promise<void> } | undefined> {
  try {
    return await startFirestoreEmulator();
  } catch {
    return undefined;
  }
}

/** One trial, tried again once: a shared machine sometimes loses a port or a start-up to another process. */
async function trial(
  target: ColdStartTarget,
  send: FirstRequest,
  options: ColdTrialOptions,
): Promise<ColdTrial> {
  try {
    return await coldStartTrial(target, send, options);
  } catch {
    return coldStartTrial(target, send, options);
  }
}

type Spec = [ColdStartTarget, FirstRequest, FirstRequest];

/** Measures `trials` cold starts of each function and of the bare ones, alternating, and reports the medians. */
export async function measureColdStarts(trials: number): Promise<ColdStart> {
  const sandbox = await startNotionSandbox({ seed: 3 });
  // Reconcile's first tick finds one project to create; its warm tick one more, added in between.
  const inbox = makeProject({ id: 'coldProject', name: 'Inbox' });
  const errands = makeProject({ id: 'coldProject2', name: 'Errands' });
  const todoist = await startTodoistFake({ projects: [inbox] });
  const onlyInbox = () => {
    todoist.state.projects.clear();
    todoist.state.projects.set(inbox.id, inbox);
  };
  const pubsub = await pubsubTopic();
  const fs = await firestore();
  // As deployed: the Firestore store (on the emulator), so its client's load is in the figure;
  // each trial gets empty collections of its own, as the sandbox is emptied for it.
  const storeEnv = (trial: number) =>
    fs ? firestoreStore(fs.host, `cold${Date.now().toString(36)}t${trial}`).env : MEMORY_STORE.env;
  try {
    const quick = { NOTION_RPS: '1000', NOTION_CONCURRENCY: '8', LOG_LEVEL: 'WARNING' };
    // The warm event does the same work as the first: a new task in an Area and a project that
    // are new too, so first − warm is what being cold adds, not what the first event created.
    const newTask = (id: string, area: string, projectId: string) =>
      taskEventBody('item:added', {
        id,
        content: `New task ${id}`,
        labels: [`area:${area}`],
        project_id: projectId,
        updated_at: todoistStamp(Date.parse('2026-11-02T08:00:00Z')),
      });
    const body = newTask('cold0001St', 'Home', 'coldProject');
    const warmBody = newTask('cold0002St', 'Work', 'coldProject2');
    const tick = pushOf('{"tick":true}');
    const targetsOf = (trial: number): Record<ColdFunction, Spec | string> => ({
      syncTodoistEvent: [
        {
          target: 'syncTodoistEvent',
          env: strings(syncEnv(sandbox, storeEnv(trial), { ...quick, AUDIT_ON_START: 'true' })),
        },
        pushOf(body),
        pushOf(warmBody),
      ],
      todoistWebhook:
        typeof pubsub === 'string'
          ? pubsub
          : [
              {
                target: 'todoistWebhook',
                env: {
                  TODOIST_CLIENT_SECRET: DEMO_CLIENT_SECRET,
                  PUBSUB_TOPIC: 'todoist-events',
                  PUBSUB_EMULATOR_HOST: pubsub.host,
                  GOOGLE_CLOUD_PROJECT: DEMO_PROJECT_ID,
                  LOG_LEVEL: 'WARNING',
                },
              },
              webhookPost(body),
              webhookPost(warmBody),
            ],
      reconcileTodoist: [
        {
          target: 'reconcileTodoist',
          env: strings(
            syncEnv(sandbox, storeEnv(trial), {
              ...quick,
              TODOIST_API_TOKEN: todoist.token,
              TODOIST_BASE_URL: todoist.url,
            }),
          ),
        },
        tick,
        tick,
      ],
    });
    const bareSource = 'bench/bare-function.js';
    const runs: Record<ColdFunction | 'bare' | 'bareHttp', ColdTrial[]> = {
      bare: [],
      bareHttp: [],
      syncTodoistEvent: [],
      todoistWebhook: [],
      reconcileTodoist: [],
    };
    let routes: Record<string, number> = {};
    // Round -1 is not counted: it warms the emulators (JVMs, like the real services, are never cold).
    for (let i = -1; i < trials; i++) {
      const keep = (list: ColdTrial[], run: ColdTrial) => {
        if (i >= 0) list.push(run);
      };
      const bareEvent = { target: 'bareEvent', source: bareSource, env: {} };
      keep(runs.bare, await trial(bareEvent, pushOf(body), { warm: pushOf(warmBody) }));
      const bareHttp = { target: 'bareHttp', source: bareSource, env: {} };
      keep(runs.bareHttp, await trial(bareHttp, webhookPost(body), { warm: webhookPost(warmBody) }));
      const targets = targetsOf(i + 1);
      for (const fn of COLD_FUNCTIONS) {
        const spec = targets[fn];
        if (typeof spec === 'string') continue;
        sandbox.reset();
        onlyInbox();
        // Read as the first event is answered: what the audit sends after it is not the event's.
        const afterFirst: Partial<Record<ColdFunction, () => void>> = {
          syncTodoistEvent: () => {
            routes = sandbox.counts().byRoute;
          },
          reconcileTodoist: () => {
            todoist.state.projects.set(errands.id, errands);
          },
        };
        const hook = afterFirst[fn];
        keep(
          runs[fn],
          await trial(spec[0], spec[1], { warm: spec[2], ...(hook ? { afterFirst: hook } : {}) }),
        );
      }
    }
    const total = (list: ColdTrial[]) =>
      list.length > 0 ? round(median(list.map((t) => t.totalMs)), 0) : null;
    const bare = total(runs.bare) ?? 0;
    const figures = Object.fromEntries(COLD_FUNCTIONS.map((fn) => [fn, total(runs[fn])])) as Record<
      ColdFunction,
      number | null
    >;
    const ratio = Object.fromEntries(
      COLD_FUNCTIONS.map((fn) => {
        const ms = figures[fn];
        return [fn, ms === null ? null : round(ms / bare, 2)];
      }),
    ) as Record<ColdFunction, number | null>;
    const split = Object.fromEntries(
      (['bare', 'bareHttp', ...COLD_FUNCTIONS] as const).map((fn) => [fn, coldSplit(runs[fn])]),
    ) as ColdStart['split'];
    const skipped: ColdStart['skipped'] = {};
    for (const fn of COLD_FUNCTIONS) {
      const spec = targetsOf(0)[fn];
      if (typeof spec === 'string') skipped[fn] = spec;
    }
    return {
      trials,
      bare,
      bareHttp: total(runs.bareHttp) ?? 0,
      ...figures,
      ratio,
      split,
      skipped,
      store: fs ? 'Firestore emulator (REST)' : 'memory (no Firestore emulator)',
      firstEventNotionRequests: Object.values(routes).reduce((a, b) => a + b, 0),
      firstEventNotionRoutes: routes,
      oursMs: figures.syncTodoistEvent ?? 0,
      bareMs: bare,
    };
  } finally {
    if (typeof pubsub !== 'string') await pubsub.stop();
    await fs?.stop();
    await todoist.close();
    await sandbox.close();
  }
}
