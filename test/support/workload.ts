/**
 * Deterministic Todoist event workloads: tasks that are added, edited, completed, reopened and
 * deleted, with areas shared between tasks, plus the final state each task must end in.
 */

export interface WorkloadEvent {
  deliveryId: string;
  taskId: string;
  eventName: string;
  body: string;
  /** Position in Todoist's own order (the order the user made the changes). */
  seq: number;
}

export interface ExpectedTask {
  taskId: string;
  name: string;
  done: boolean;
  deleted: boolean;
  areas: string[];
  priority: string;
  /** The parent task of a subtask (never deleted in a workload). */
  parentId?: string | null;
}

export interface Workload {
  events: WorkloadEvent[];
  expected: Map<string, ExpectedTask>;
  areaNames: string[];
}

/** A small seeded PRNG (mulberry32) so a failing run can be replayed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function shuffle<T>(items: T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

const AREA_POOL = [
  'Home',
  'Work',
  'Health',
  'Finance',
  'Garden',
  'Family',
  'Learning',
  'Travel',
  'Car',
  'Errands',
];

function stamp(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}.${String((ms % 1000) * 1000).padStart(6, '0')}Z`;
}

export interface WorkloadOptions {
  tasks: number;
  eventsPerTask?: number;
  areas?: number;
  deleteShare?: number;
  seed?: number;
  projectId?: string;
  /** Share of tasks made as subtasks of the task made just before them (default 0). */
  subtaskShare?: number;
}

/** Builds a workload; area names are written with varying case and spacing, as people type them. */
export function makeWorkload(options: WorkloadOptions): Workload {
  const random = rng(options.seed ?? 1);
  const areaNames = AREA_POOL.slice(0, options.areas ?? 5);
  const events: WorkloadEvent[] = [];
  const expected = new Map<string, ExpectedTask>();
  const base = Date.parse('2026-11-01T09:00:00Z');
  let seq = 0;
  // Drawn from a generator of its own, so a workload without subtasks stays what it always was.
  const family = rng((options.seed ?? 1) + 7919);
  const isChild = Array.from(
    { length: options.tasks },
    (_, t) => t > 0 && family() < (options.subtaskShare ?? 0),
  );
  let previousId: string | null = null;
  for (let t = 0; t < options.tasks; t++) {
    const taskId = `task${String(t).padStart(4, '0')}X${Math.floor(random() * 1e6).toString(36)}`;
    const parentId = isChild[t] ? previousId : null;
    // A task with a subtask is never deleted: its child's Parent must end on a live page.
    const deletable = !isChild[t + 1];
    const perTask = options.eventsPerTask ?? 4;
    let state: ExpectedTask = {
      taskId,
      name: `Task ${t}`,
      done: false,
      deleted: false,
      areas: [],
      priority: 'P4',
    };
    for (let e = 0; e < perTask; e++) {
      const last = e === perTask - 1;
      const deleting = last && random() < (options.deleteShare ?? 0.15) && deletable;
      let eventName = e === 0 ? 'item:added' : 'item:updated';
      const area = areaNames[Math.floor(random() * areaNames.length)] ?? 'Home';
      const spelled = random() < 0.3 ? ` ${area.toUpperCase()} ` : area;
      const areas = random() < 0.2 ? [spelled, areaNames[(t + 1) % areaNames.length] ?? 'Home'] : [spelled];
      const priority = 1 + Math.floor(random() * 4);
      let checked = false;
      if (deleting) eventName = 'item:deleted';
      else if (e > 0 && random() < 0.25) {
        eventName = random() < 0.5 ? 'item:completed' : 'item:uncompleted';
        checked = eventName === 'item:completed';
      }
      const updatedMs = base + t * 60_000 + e * 1_000;
      const name = `Task ${t} v${e}`;
      const task = {
        id: taskId,
        user_id: '5120884',
        project_id: options.projectId ?? '6cVp2Lk7NzQf9BsW',
        section_id: null,
        parent_id: parentId,
        content: name,
        description: e % 2 === 0 ? '' : `Notes for task ${t}, revision ${e}`,
        labels: [...areas.map((a) => `area:${a}`), 'errand'],
        priority,
        due: null,
        checked,
        is_deleted: deleting,
        is_collapsed: false,
        added_at: stamp(base + t * 60_000),
        updated_at: stamp(updatedMs),
        completed_at: checked ? stamp(updatedMs) : null,
        responsible_uid: null,
        url: `https://app.todoist.com/app/task/${taskId}`,
      };
      const body = JSON.stringify({
        event_name: eventName,
        user_id: '5120884',
        event_data: task,
        initiator: {
          id: '5120884',
          email: 'alice@example.com',
          full_name: 'Alice',
          image_id: null,
          is_premium: true,
        },
        triggered_at: stamp(updatedMs + 500),
        version: '1',
      });
      events.push({ deliveryId: `d-${taskId}-${e}`, taskId, eventName, body, seq: seq++ });
      state = {
        taskId,
        name,
        done: checked,
        deleted: deleting,
        areas: [...new Set(areas.map((a) => a.trim().toLowerCase()))].sort(),
        priority: `P${5 - priority}`,
        parentId,
      };
      if (deleting) break;
    }
    expected.set(taskId, state);
    previousId = taskId;
  }
  return { events, expected, areaNames };
}

/** Each event delivered 1–3 times, all shuffled: what Pub/Sub and Todoist retries produce together. */
export function deliveries(events: WorkloadEvent[], seed = 7, maxCopies = 3): WorkloadEvent[] {
  const random = rng(seed);
  const out: WorkloadEvent[] = [];
  for (const ev of events) {
    const copies = 1 + Math.floor(random() * maxCopies);
    for (let c = 0; c < copies; c++) out.push(ev);
  }
  return shuffle(out, random);
}
