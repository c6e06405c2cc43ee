/**
 * The cold-start part of the benchmark: each built function (start-up audit on for the sync, as
 * deployed) beside bare functions-framework functions, each the median of a few fresh processes,
 * alternating, after one uncounted round that warms the emulators. Every outside service answers
 * at once: Notion and Todoist are local stand-ins, the store of the headline is the Firestore
 * stand-in (cold-stores.ts), the webhook publishes to a Pub/Sub stand-in; no emulator (a JVM, busy
 * in the background on the cores the measured processes need) runs meanwhile, so the figure is the
 * process's own start-up plus its first request's own work; at Notion's real 3 requests/s add ⅓ s
 * per Notion request the first event made. The sync and the reconcile run again with the Firestore
 * emulator as the store, a second figure. Each trial also sends the same kind of event once more,
 * warm, so the report can split the figure (cold-split.ts).
 */
import type { StoreOpCounts } from '../../test/support/firestore-standin/index.js';
import { startNotionSandbox } from '../../test/support/notion-sandbox/index.js';
import { startPubSubStandin } from '../../test/support/pubsub-standin.js';
import { makeProject, startTodoistFake } from '../../test/support/todoist-fake/index.js';
import {
  COLD_FUNCTIONS,
  type ColdFunction,
  type ColdStart,
  coldFigures,
  isStoreFunction,
  medianTotal,
  STORE_FUNCTIONS,
  type StoreFunction,
} from './cold-result.js';
import {
  type ColdStartTarget,
  type ColdTrial,
  type ColdTrialOptions,
  coldStartTrial,
  type FirstRequest,
  pushOf,
} from './cold-start.js';
import { type ColdStoreKind, STORE_LABELS, startColdStores } from './cold-stores.js';
import { DEMO_CLIENT_SECRET, DEMO_PROJECT_ID, syncEnv } from './sync-env.js';
import { taskEventBody, todoistStamp, webhookRequest } from './todoist-payloads.js';

export { COLD_FUNCTIONS, type ColdFunction, type ColdStart } from './cold-result.js';

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

/** A pause before each spawn: the last trial's exit and the emulators' after-work stay out of the next. */
const SETTLE_MS = 300;

/** One trial, tried again once: a shared machine sometimes loses a port or a start-up to another process. */
async function trial(
  target: ColdStartTarget,
  send: FirstRequest,
  options: ColdTrialOptions,
): Promise<ColdTrial> {
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  try {
    return await coldStartTrial(target, send, options);
  } catch {
    return coldStartTrial(target, send, options);
  }
}

type Spec = [ColdStartTarget, FirstRequest, FirstRequest];
/** What one trial measures: a function on a store (the headline's unless `@emulator`), or a bare function. */
type RunKey = ColdFunction | 'bare' | 'bareHttp' | 'bare@emulator' | `${StoreFunction}@emulator`;

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
  const pubsub = await startPubSubStandin();
  const stores = await startColdStores();
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
    const specOf = (fn: ColdFunction, store: ColdStoreKind, trial: number): Spec => {
      if (fn === 'syncTodoistEvent')
        return [
          {
            target: fn,
            env: strings(
              syncEnv(sandbox, stores.env(store, `sync${trial}`), { ...quick, AUDIT_ON_START: 'true' }),
            ),
          },
          pushOf(body),
          pushOf(warmBody),
        ];
      if (fn === 'reconcileTodoist') {
        const extra = { ...quick, TODOIST_API_TOKEN: todoist.token, TODOIST_BASE_URL: todoist.url };
        return [
          { target: fn, env: strings(syncEnv(sandbox, stores.env(store, `reconcile${trial}`), extra)) },
          tick,
          tick,
        ];
      }
      const env = {
        TODOIST_CLIENT_SECRET: DEMO_CLIENT_SECRET,
        PUBSUB_TOPIC: 'todoist-events',
        PUBSUB_EMULATOR_HOST: pubsub.host,
        GOOGLE_CLOUD_PROJECT: DEMO_PROJECT_ID,
        LOG_LEVEL: 'WARNING',
      };
      return [{ target: fn, env }, webhookPost(body), webhookPost(warmBody)];
    };
    const bareSource = 'bench/bare-function.js';
    const runs: Record<RunKey, ColdTrial[]> = {
      bare: [],
      bareHttp: [],
      'bare@emulator': [],
      syncTodoistEvent: [],
      todoistWebhook: [],
      reconcileTodoist: [],
      'syncTodoistEvent@emulator': [],
      'reconcileTodoist@emulator': [],
    };
    let routes: Record<string, number> = {};
    const storeOps: Record<StoreFunction, StoreOpCounts | null> = {
      syncTodoistEvent: null,
      reconcileTodoist: null,
    };
    type Step = { key: RunKey; run: (round: number) => Promise<ColdTrial> };
    const bareStep = (key: 'bare' | 'bare@emulator'): Step => ({
      key,
      run: () =>
        trial({ target: 'bareEvent', source: bareSource, env: {} }, pushOf(body), { warm: pushOf(warmBody) }),
    });
    const fnStep = (fn: ColdFunction, store: ColdStoreKind): Step => {
      return {
        key: store === 'emulator' && isStoreFunction(fn) ? `${fn}@emulator` : fn,
        run: (round) => {
          const [target, first, warm] = specOf(fn, store, round);
          sandbox.reset();
          onlyInbox();
          stores.standin.resetCounts();
          // Read as the first event is answered: what the audit sends after it is not the event's.
          const afterFirst = () => {
            if (store === 'standin' && isStoreFunction(fn)) storeOps[fn] = stores.standin.counts();
            if (store === 'standin' && fn === 'syncTodoistEvent') routes = sandbox.counts().byRoute;
            if (fn === 'reconcileTodoist') todoist.state.projects.set(errands.id, errands);
          };
          return trial(target, first, { warm, afterFirst });
        },
      };
    };
    // Within a phase the order turns each round, so no figure always follows the heaviest trial's after-work.
    const runPhase = async (steps: Step[]) => {
      // Round -1 is not counted: it warms the stand-ins and the emulator (JVMs, like the real services, are never cold).
      for (let i = -1; i < trials; i++) {
        const turn = (i + 1) % Math.max(steps.length, 1);
        for (const step of [...steps.slice(turn), ...steps.slice(0, turn)]) {
          const run = await step.run(i + 1);
          if (i >= 0) runs[step.key].push(run);
        }
      }
    };
    await runPhase([
      bareStep('bare'),
      {
        key: 'bareHttp',
        run: () =>
          trial({ target: 'bareHttp', source: bareSource, env: {} }, webhookPost(body), {
            warm: webhookPost(warmBody),
          }),
      },
      ...COLD_FUNCTIONS.map((fn) => fnStep(fn, 'standin')),
    ]);
    // The emulator's phase comes after, with its own bare function: the headline ran with no JVM beside it.
    const emulator = await stores.startEmulator();
    if ('host' in emulator)
      await runPhase([bareStep('bare@emulator'), ...STORE_FUNCTIONS.map((fn) => fnStep(fn, 'emulator'))]);
    await stores.stopEmulator();
    const bare = medianTotal(runs.bare) ?? 0;
    const emulatorBare = medianTotal(runs['bare@emulator']) ?? bare;
    const head = coldFigures(runs, COLD_FUNCTIONS, bare);
    const onEmulator = coldFigures(
      {
        syncTodoistEvent: runs['syncTodoistEvent@emulator'],
        reconcileTodoist: runs['reconcileTodoist@emulator'],
      },
      STORE_FUNCTIONS,
      emulatorBare,
    );
    const bareSplit = coldFigures(runs, ['bare', 'bareHttp'] as const, bare).split;
    const skipped: ColdStart['skipped'] = {};
    if ('skipped' in emulator) skipped.emulator = emulator.skipped;
    return {
      trials,
      bare,
      bareHttp: medianTotal(runs.bareHttp) ?? 0,
      ...head.figures,
      ratio: head.ratio,
      split: { ...bareSplit, ...head.split },
      skipped,
      store: STORE_LABELS.standin,
      emulator:
        'host' in emulator
          ? {
              store: STORE_LABELS.emulator,
              bare: emulatorBare,
              ...onEmulator.figures,
              ratio: onEmulator.ratio,
              split: onEmulator.split,
            }
          : null,
      firstEventStoreOps: storeOps,
      firstEventNotionRequests: Object.values(routes).reduce((a, b) => a + b, 0),
      firstEventNotionRoutes: routes,
      oursMs: head.figures.syncTodoistEvent ?? 0,
      bareMs: bare,
    };
  } finally {
    await pubsub.close();
    await stores.stop();
    await todoist.close();
    await sandbox.close();
  }
}
