/**
 * The benchmark's fixed workload and delivery plan: 600 events over 120 tasks and 10 Areas. Tasks
 * are worked on in overlapping stretches (a task's edits are spread over the run, interleaved with
 * other tasks'), each event is delivered once in near-Todoist order (events overtake each other
 * within a small window), plus 30% redeliveries: half Todoist retries (same delivery id, a new
 * message), half Pub/Sub redeliveries (the same message again), some while the first copy runs.
 */
import { makeWorkload, rng, type Workload } from '../../test/support/workload.js';

export const BENCH_SHAPE = { tasks: 120, eventsPerTask: 5, areas: 10, seed: 2026 } as const;
export const REDELIVERY_SHARE = 0.3;
/** How many places an event may move (Todoist and Pub/Sub reorder); wider than the spacing, so a task's edits sometimes swap. */
const REORDER_WINDOW = 16;
/** Places between two edits of one task, on average (other tasks' events come in between). */
const EDIT_SPACING = 10;
/** How far behind its first copy a redelivery lands (0 = at the same time). */
const REDELIVERY_SPREAD = 40;

/** One delivery to the sync: the message key names the Pub/Sub message (equal keys = one message). */
export interface PlannedDelivery {
  messageKey: string;
  deliveryId: string;
  body: string;
  kind: 'first' | 'todoist-retry' | 'pubsub-redelivery';
}

export interface BenchPlan {
  workload: Workload;
  deliveries: PlannedDelivery[];
  /** First deliveries that arrive after a newer event of the same task (what ordering must handle). */
  outOfOrder: number;
}

/** The same plan on every run and in every process (seeded). */
export function benchPlan(): BenchPlan {
  const workload = makeWorkload({ ...BENCH_SHAPE, deleteShare: 0.15 });
  const random = rng(BENCH_SHAPE.seed + 1);
  const starts = new Map<string, number>();
  for (const event of workload.events)
    if (!starts.has(event.taskId)) starts.set(event.taskId, random() * workload.events.length);
  let previous = '';
  let nth = 0;
  const arrival = workload.events
    .map((event) => {
      nth = event.taskId === previous ? nth + 1 : 0;
      previous = event.taskId;
      const at = (starts.get(event.taskId) ?? 0) + nth * EDIT_SPACING + random() * REORDER_WINDOW;
      return { event, at };
    })
    .sort((a, b) => a.at - b.at)
    .map(({ event }) => event);
  const firsts = arrival.map((event) => ({
    messageKey: `msg-${event.deliveryId}`,
    deliveryId: event.deliveryId,
    body: event.body,
    kind: 'first' as const,
  }));
  const slots: PlannedDelivery[][] = firsts.map((d) => [d]);
  // Exactly 30% of the events get a second delivery.
  const chosen = new Set(
    firsts
      .map((_, i) => ({ i, r: random() }))
      .sort((a, b) => a.r - b.r)
      .slice(0, Math.round(firsts.length * REDELIVERY_SHARE))
      .map(({ i }) => i),
  );
  for (const i of [...chosen].sort((a, b) => a - b)) {
    const first = firsts[i] as PlannedDelivery;
    const retry = random() < 0.5;
    const copy: PlannedDelivery = retry
      ? { ...first, messageKey: `${first.messageKey}-retry`, kind: 'todoist-retry' }
      : { ...first, kind: 'pubsub-redelivery' };
    const at = Math.min(firsts.length - 1, i + Math.floor(random() * REDELIVERY_SPREAD));
    (slots[at] as PlannedDelivery[]).push(copy);
  }
  const newest = new Map<string, number>();
  let outOfOrder = 0;
  for (const event of arrival) {
    if ((newest.get(event.taskId) ?? -1) > event.seq) outOfOrder += 1;
    else newest.set(event.taskId, event.seq);
  }
  return { workload, deliveries: slots.flat(), outOfOrder };
}
