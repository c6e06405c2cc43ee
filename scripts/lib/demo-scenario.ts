/**
 * The demo's burst of Todoist webhooks: a morning of edits to a kitchen-renovation project, with
 * everything that breaks naive syncs: Todoist retries, Pub/Sub redeliveries, events out of order, a
 * recurring completion, a deletion followed by a late older edit, two tasks racing for a new Area,
 * a project event arriving after its tasks, and requests without a valid signature.
 */
import type { ExpectedTask } from './check-state.js';
import { projectEventBody, taskEventBody, todoistStamp } from './todoist-payloads.js';

/** One POST to the webhook; `retryOf` marks a Todoist retry (same delivery id as an earlier POST). */
export interface DemoWebhook {
  deliveryId: string;
  body: string;
  signature: 'valid' | 'missing' | 'wrong';
  retryOf?: string;
}

export interface DemoScenario {
  /** Posted all at once, in this (partly shuffled) order. */
  burst: DemoWebhook[];
  /** Posted after the burst settled: late deliveries, Todoist retries, forged requests. */
  late: DemoWebhook[];
  tasks: ExpectedTask[];
  project: { id: string; name: string };
  recurring: { taskId: string; due: string };
  deletedTaskId: string;
  racedArea: string;
}

const PROJECT = '6cVp2Lk7NzQf9BsW';
const T0 = Date.parse('2026-11-02T08:00:00Z');
const at = (minute: number) => todoistStamp(T0 + minute * 60_000);

interface Version {
  content: string;
  labels: string[];
  priority?: number;
  checked?: boolean;
  description?: string;
  due?: Record<string, unknown> | null;
}

/** Builds the event for one version of a task; the delivery id is Todoist's, stable across retries. */
function ev(eventName: string, id: string, minute: number, v: Version, updateIntent?: string): DemoWebhook {
  const stamp = at(minute);
  const body = taskEventBody(
    eventName,
    {
      id,
      project_id: PROJECT,
      content: v.content,
      labels: v.labels,
      priority: v.priority ?? 1,
      checked: v.checked ?? false,
      description: v.description ?? '',
      due: v.due ?? null,
      is_deleted: eventName === 'item:deleted',
      added_at: at(0),
      updated_at: stamp,
      completed_at: v.checked ? stamp : null,
    },
    updateIntent ? { updateIntent } : undefined,
  );
  return { deliveryId: `dlv-${id}-${minute}`, body, signature: 'valid' };
}

const weekly = (date: string) => ({
  date,
  string: 'every monday',
  lang: 'en',
  is_recurring: true,
  timezone: null,
});

/** The scenario; deterministic, so every run tells the same story. */
export function demoScenario(): DemoScenario {
  const home = 'area:Home';
  const roses = { content: 'Prune the roses', labels: ['area:Garden'] };
  const mulch = { content: 'Order mulch', labels: ['area: garden '], priority: 2 };
  const paint = { content: 'Buy paint', labels: [home] };
  const paint2 = { content: 'Buy paint (eggshell white)', labels: [home], priority: 4 };
  const plumber = { content: 'Call the plumber', labels: [home, 'area:Finance'], priority: 3 };
  const plumber2 = { ...plumber, description: 'Leak under the sink; ask about the boiler too' };
  const water = { content: 'Water plants', labels: ['area:Garden', 'area:HOME'], due: weekly('2026-11-02') };
  const water2 = { ...water, due: weekly('2026-11-09') };
  const milk = { content: 'Buy milk', labels: ['area:Errands'] };
  const milk2 = { content: 'Buy oat milk', labels: ['area:Errands'] };
  const review = { content: 'Quarterly budget review', labels: ['area:Work', 'area:Finance'] };
  const review2 = { ...review, priority: 4 };
  const dentist = { content: 'Book dentist', labels: ['area:Health'] };
  const tiles = { content: 'Pick tile samples', labels: [home, 'showroom'] };
  const tiles2 = { ...tiles, content: 'Pick tile samples (matte)' };
  const mortgage = { content: 'Compare mortgage offers', labels: ['area:Finance'], priority: 3 };
  const mortgage2 = { ...mortgage, description: 'Three banks, fixed 10 years' };

  const burst = [
    // Two new tasks at once, both in an Area that does not exist yet ("Garden" typed two ways).
    ev('item:added', 'demo0003Rs', 3, roses),
    ev('item:added', 'demo0004Mu', 3, mulch),
    ev('item:added', 'demo0001Pt', 1, paint),
    ev('item:added', 'demo0002Pl', 1, plumber),
    ev('item:added', 'demo0005Wp', 2, water),
    ev('item:added', 'demo0006Mk', 2, milk),
    // Out of order: the edit overtakes the task's creation.
    ev('item:updated', 'demo0007Qr', 6, review2),
    ev('item:added', 'demo0007Qr', 4, review),
    ev('item:added', 'demo0008Dt', 4, dentist),
    ev('item:completed', 'demo0008Dt', 7, { ...dentist, checked: true }),
    ev('item:added', 'demo0009Ts', 5, tiles),
    ev('item:added', 'demo0010Mo', 5, mortgage),
    ev('item:updated', 'demo0010Mo', 8, mortgage2),
    ev('item:updated', 'demo0001Pt', 9, paint2),
    ev('item:deleted', 'demo0006Mk', 10, milk2),
    ev('item:updated', 'demo0002Pl', 10, plumber2),
    ev('item:uncompleted', 'demo0008Dt', 11, dentist),
    // Completing a recurring task: item:updated with update_intent, due moved a week, still open.
    ev('item:updated', 'demo0005Wp', 12, water2, 'item_completed'),
    ev('item:completed', 'demo0010Mo', 13, { ...mortgage2, checked: true }),
    ev('item:completed', 'demo0001Pt', 14, { ...paint2, checked: true }),
    ev('item:updated', 'demo0009Ts', 15, tiles2),
  ];
  // The project's own event arrives after its tasks made a placeholder page for it.
  burst.splice(14, 0, {
    deliveryId: `dlv-${PROJECT}-0`,
    body: projectEventBody('project:added', {
      id: PROJECT,
      name: 'Kitchen renovation',
      updated_at: at(0),
      created_at: at(0),
    }),
    signature: 'valid',
  });
  // Todoist timed out on one delivery and retried it while the first attempt was still running.
  const retried = burst[1] as DemoWebhook;
  burst.splice(6, 0, { ...retried, retryOf: retried.deliveryId });

  const retry = (w: DemoWebhook | undefined): DemoWebhook => ({
    ...(w as DemoWebhook),
    retryOf: (w as DemoWebhook).deliveryId,
  });
  const late: DemoWebhook[] = [
    // An edit made before the deletion, delivered after it: it must not bring the task back.
    ev('item:updated', 'demo0006Mk', 8, milk2),
    retry(burst.find((w) => w.deliveryId === 'dlv-demo0002Pl-10')),
    retry(burst.find((w) => w.deliveryId === 'dlv-demo0005Wp-12')),
    retry(burst.find((w) => w.deliveryId === 'dlv-demo0006Mk-10')),
    { ...ev('item:added', 'demo0666Xx', 20, { content: 'Forged task', labels: [] }), signature: 'missing' },
    { ...ev('item:added', 'demo0667Xx', 20, { content: 'Forged task', labels: [] }), signature: 'wrong' },
  ];

  const task = (
    taskId: string,
    v: Version,
    more: Partial<ExpectedTask> & { areas: string[] },
  ): ExpectedTask => ({
    taskId,
    name: v.content,
    done: false,
    deleted: false,
    priority: `P${5 - (v.priority ?? 1)}`,
    ...more,
  });
  const tasks = [
    task('demo0001Pt', paint2, { done: true, areas: ['home'] }),
    task('demo0002Pl', plumber2, { areas: ['home', 'finance'] }),
    task('demo0003Rs', roses, { areas: ['garden'] }),
    task('demo0004Mu', mulch, { areas: ['garden'] }),
    task('demo0005Wp', water2, { areas: ['garden', 'home'] }),
    task('demo0006Mk', milk2, { deleted: true, areas: ['errands'] }),
    task('demo0007Qr', review2, { areas: ['work', 'finance'] }),
    task('demo0008Dt', dentist, { areas: ['health'] }),
    task('demo0009Ts', tiles2, { areas: ['home'] }),
    task('demo0010Mo', mortgage2, { done: true, areas: ['finance'] }),
  ];
  return {
    burst,
    late,
    tasks,
    project: { id: PROJECT, name: 'Kitchen renovation' },
    recurring: { taskId: 'demo0005Wp', due: '2026-11-09' },
    deletedTaskId: 'demo0006Mk',
    racedArea: 'garden',
  };
}
