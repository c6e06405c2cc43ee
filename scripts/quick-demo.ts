/**
 * The main job on embedded defaults: a local Notion sandbox (index lag, 3 requests/s), the
 * webhook receiver and the sync in this process with the memory store, and a burst of signed
 * Todoist webhooks delivered at least once, reordered and raced. Prints a short report.
 */
import { loadConfig } from '../src/config/index.js';
import { createLogger } from '../src/log/logger.js';
import { createSyncContext } from '../src/runtime.js';
import { handleMessage } from '../src/sync/handle-message.js';
import { signBody } from '../src/todoist/signature.js';
import { createWebhookHandler, type WebhookResponse } from '../src/webhook/receiver.js';
import { startNotionSandbox } from '../test/support/notion-sandbox/index.js';
import { workspace } from '../test/support/notion-view.js';
import { makeWorkload, rng, shuffle } from '../test/support/workload.js';

const SECRET = 'demo-client-secret';
const verbose = process.argv.includes('--verbose');
const started = Date.now();

const sandbox = await startNotionSandbox({ lagMs: 1_500, rps: 3 });
const config = loadConfig(
  {
    NOTION_TOKEN: 'demo-token',
    NOTION_BASE_URL: sandbox.url,
    NOTION_AREAS_DATABASE_ID: sandbox.databases.areas,
    NOTION_PROJECTS_DATABASE_ID: sandbox.databases.projects,
    NOTION_TODOS_DATABASE_ID: sandbox.databases.todos,
    NOTION_INDEX_LAG_MS: '2000',
    NOTION_RPS: '3',
    STATE_STORE: 'memory',
  },
  'sync',
);
const logger = createLogger({ sink: verbose ? (l) => process.stderr.write(`${l}\n`) : () => {} });
const ctx = createSyncContext(config, logger);

// An in-process stand-in for Pub/Sub: every published message is delivered at least once.
const queue: Array<{ data: Buffer; attributes: Record<string, string>; messageId: string }> = [];
let published = 0;
const receiver = createWebhookHandler({
  secret: SECRET,
  logger,
  publish: async (data, attributes) => {
    const messageId = `demo-${++published}`;
    queue.push({ data, attributes, messageId });
    return messageId;
  },
});

async function post(body: string, deliveryId: string, signed = true): Promise<number> {
  let status = 0;
  const res: WebhookResponse = {
    status(code) {
      status = code;
      return res;
    },
    set: () => res,
    send: () => undefined,
  };
  const headers: Record<string, string> = { 'x-todoist-delivery-id': deliveryId };
  if (signed) headers['x-todoist-hmac-sha256'] = signBody(body, SECRET);
  await receiver({ method: 'POST', headers, rawBody: Buffer.from(body) }, res);
  return status;
}

const random = rng(2026);
const workload = makeWorkload({ tasks: 12, eventsPerTask: 3, areas: 4, seed: 7 });
const events = shuffle(workload.events, random);
// Two tasks racing for a new area, a recurring completion, a deletion, a project event.
const stamp = '2026-11-20T10:00:00.000000Z';
const task = (id: string, content: string, labels: string[], extra: Record<string, unknown> = {}) => ({
  id,
  content,
  description: '',
  project_id: '6XR4H993xv8H5qCR',
  labels,
  priority: 4,
  checked: false,
  is_deleted: false,
  updated_at: stamp,
  due: null,
  ...extra,
});
const specials = [
  {
    event_name: 'item:added',
    event_data: task('race-a', 'Book the flights', ['area:Travel']),
    triggered_at: stamp,
  },
  {
    event_name: 'item:added',
    event_data: task('race-b', 'Renew the passport', ['area: travel ']),
    triggered_at: stamp,
  },
  {
    event_name: 'item:updated',
    event_data: task('recurring', 'Water the plants', ['area:Home'], {
      due: { date: '2026-11-27', string: 'every friday', is_recurring: true },
      updated_at: '2026-11-20T11:00:00.000000Z',
    }),
    event_data_extra: { update_intent: 'item_completed' },
    triggered_at: '2026-11-20T11:00:00.000000Z',
  },
  {
    event_name: 'project:added',
    event_data: { id: '6XR4H993xv8H5qCR', name: 'Kitchen renovation', updated_at: stamp },
    triggered_at: stamp,
  },
].map((body, i) => ({
  body: JSON.stringify({ user_id: '1', version: '1', ...body }),
  deliveryId: `special-${i}`,
}));

let accepted = 0;
for (const item of [...events.map((e) => ({ body: e.body, deliveryId: e.deliveryId })), ...specials]) {
  if ((await post(item.body, item.deliveryId)) === 200) accepted++;
  if (random() < 0.2 && (await post(item.body, item.deliveryId)) === 200) accepted++; // Todoist retry, same id
}
const unsigned = await post(specials[0]?.body ?? '{}', 'forged', false);

// Deliver everything, some messages twice, several at once, as Pub/Sub push would.
const deliveries = shuffle(
  queue.flatMap((m) => (random() < 0.3 ? [m, m] : [m])),
  random,
);
let next = 0;
await Promise.all(
  Array.from({ length: 6 }, async () => {
    while (next < deliveries.length) {
      const m = deliveries[next++];
      if (!m) break;
      for (let attempt = 0; ; attempt++) {
        try {
          await handleMessage(ctx, { body: m.data, attributes: m.attributes, messageId: m.messageId });
          break;
        } catch (error) {
          if (attempt > 5) throw error;
          await new Promise((r) => setTimeout(r, 500));
        }
      }
    }
  }),
);

const view = workspace(sandbox);
const requests = sandbox.counts().total;
const live = (db: string) => sandbox.pages({ databaseId: db }).length;
const duplicates = view.duplicateAreas + view.duplicateTodos;
let wrong = 0;
for (const [taskId, want] of workload.expected) {
  const pages = (view.todosByTask.get(taskId) ?? []).filter((p) => !p.inTrash);
  const page = pages[0];
  const ok = want.deleted
    ? pages.length === 0
    : pages.length === 1 &&
      page?.name === want.name &&
      page.done === want.done &&
      page.priority === want.priority;
  if (!ok) {
    wrong++;
    if (verbose) process.stderr.write(`wrong: ${taskId} ${JSON.stringify({ want, pages })}\n`);
  }
}
for (const id of ['race-a', 'race-b', 'recurring']) {
  if ((view.todosByTask.get(id) ?? []).filter((p) => !p.inTrash && !p.done).length !== 1) {
    wrong++;
    if (verbose) process.stderr.write(`wrong: ${id} ${JSON.stringify(view.todosByTask.get(id))}\n`);
  }
}
const lines = [
  'notion-todoist-sync demo (Notion sandbox with a 1.5 s index lag and 3 requests/s; state store: memory)',
  '',
  `  webhooks accepted      ${accepted} (unsigned request answered ${unsigned})`,
  `  Pub/Sub deliveries     ${deliveries.length} for ${queue.length} published messages`,
  `  events                 ${events.length + specials.length}`,
  `  pages                  Areas ${live(sandbox.databases.areas)}, Projects ${live(sandbox.databases.projects)}, Todos ${live(sandbox.databases.todos)}`,
  `  duplicates             ${duplicates}`,
  `  wrong final states     ${wrong}`,
  `  Notion requests        ${requests} (${(requests / (events.length + specials.length)).toFixed(2)} per event)`,
  `  took                   ${((Date.now() - started) / 1000).toFixed(1)} s`,
  '',
  'Next: README.md (configuration, Notion schema, deploy), `npm run bench`, `npm run notion-sandbox -- --port 0`.',
];
process.stdout.write(`${lines.join('\n')}\n`);
await sandbox.close();
process.exit(duplicates === 0 && wrong === 0 && unsigned === 401 ? 0 : 1);
