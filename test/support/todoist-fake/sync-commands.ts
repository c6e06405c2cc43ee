/** The Todoist stand-in's `/api/v1/sync` core: applies task commands once per uuid (shared by the HTTP fake and unit tests). */
import { makeTask, type TodoistRecord } from './records.js';

export interface Command {
  type: string;
  uuid: string;
  args: Record<string, unknown>;
  temp_id?: string;
}

export interface SyncAnswer {
  sync_status: Record<string, unknown>;
  temp_id_mapping: Record<string, string>;
}

/** A change the stand-in made, as the webhook Todoist would send for it. */
export interface TaskChange {
  eventName: 'item:added' | 'item:updated' | 'item:completed' | 'item:uncompleted' | 'item:deleted';
  task: TodoistRecord;
  /** `event_data_extra.update_intent` for a recurring completion. */
  updateIntent?: 'item_completed';
}

const notFound = { error_tag: 'ITEM_NOT_FOUND', error_code: 22, http_code: 404, error: 'Item not found' };

/** Todoist's timestamp form (microseconds), strictly increasing per applier. */
function clock() {
  let last = 0;
  return () => {
    last = Math.max(Date.now(), last + 1);
    return `${new Date(last).toISOString().slice(0, 23)}000Z`;
  };
}

function dueOf(value: unknown): Record<string, unknown> | null {
  if (value === null || value === undefined) return null;
  const d = value as Record<string, unknown>;
  const date = String(d['date'] ?? '');
  return {
    date,
    string: typeof d['string'] === 'string' ? d['string'] : date,
    is_recurring: d['is_recurring'] === true,
    timezone: typeof d['timezone'] === 'string' ? d['timezone'] : null,
    lang: typeof d['lang'] === 'string' ? d['lang'] : 'en',
  };
}

/** Moves a recurring due date a week on (the stand-in's whole recurrence engine). */
function nextOccurrence(due: Record<string, unknown>): Record<string, unknown> {
  const date = String(due['date']);
  const day = new Date(Date.parse(`${date.slice(0, 10)}T00:00:00Z`) + 7 * 86_400_000)
    .toISOString()
    .slice(0, 10);
  return { ...due, date: `${day}${date.slice(10)}` };
}

/** A command applier over a task map; `executed` lists commands actually applied (deduplicated by uuid). */
export function createSyncApplier(tasks: Map<string, TodoistRecord>) {
  const done = new Map<string, { status: unknown; tempId?: string; realId?: string }>();
  const executed: Command[] = [];
  const now = clock();
  let nextId = 1;

  function applyOne(c: Command, mapping: Record<string, string>, changes: TaskChange[]): unknown {
    const a = c.args;
    if (c.type === 'item_add') {
      const id = `n${Date.now().toString(36)}${nextId++}`;
      const stamp = now();
      const task = makeTask({
        id,
        content: String(a['content'] ?? ''),
        description: String(a['description'] ?? ''),
        priority: Number(a['priority'] ?? 1),
        labels: (a['labels'] as string[] | undefined) ?? [],
        due: dueOf(a['due']),
        project_id: String(a['project_id'] ?? 'inbox'),
        parent_id: (a['parent_id'] as string | undefined) ?? null,
        added_at: stamp,
        updated_at: stamp,
        url: `https://app.todoist.com/app/task/${id}`,
      });
      tasks.set(id, task);
      if (c.temp_id) mapping[c.temp_id] = id;
      changes.push({ eventName: 'item:added', task: structuredClone(task) });
      return 'ok';
    }
    const task = tasks.get(String(a['id'] ?? ''));
    if (!task || task['is_deleted'] === true) return notFound;
    let change: TaskChange = { eventName: 'item:updated', task };
    switch (c.type) {
      case 'item_update':
        for (const key of ['content', 'description', 'priority', 'labels'] as const)
          if (key in a) task[key] = a[key];
        if ('due' in a) task['due'] = dueOf(a['due']);
        break;
      case 'item_close': {
        const due = task['due'] as Record<string, unknown> | null;
        if (due?.['is_recurring'] === true) {
          task['due'] = nextOccurrence(due);
          change = { eventName: 'item:updated', task, updateIntent: 'item_completed' };
        } else {
          task['checked'] = true;
          task['completed_at'] = now();
          change = { eventName: 'item:completed', task };
        }
        break;
      }
      case 'item_uncomplete':
        task['checked'] = false;
        task['completed_at'] = null;
        change = { eventName: 'item:uncompleted', task };
        break;
      case 'item_move':
        if (a['parent_id']) task['parent_id'] = a['parent_id'];
        if (a['project_id']) {
          task['project_id'] = a['project_id'];
          task['parent_id'] = null;
        }
        break;
      case 'item_delete':
        task['is_deleted'] = true;
        change = { eventName: 'item:deleted', task };
        break;
      default:
        return { error_tag: 'INVALID_COMMAND', error_code: 1, http_code: 400, error: `unknown ${c.type}` };
    }
    task['updated_at'] = now();
    changes.push({ ...change, task: structuredClone(task) });
    return 'ok';
  }

  return {
    executed,
    /** Applies commands in order; a uuid seen before returns its first status and does nothing. */
    apply(commands: readonly Command[]): SyncAnswer & { changes: TaskChange[] } {
      const answer: SyncAnswer & { changes: TaskChange[] } = {
        sync_status: {},
        temp_id_mapping: {},
        changes: [],
      };
      for (const c of commands) {
        const seen = done.get(c.uuid);
        if (seen) {
          answer.sync_status[c.uuid] = seen.status;
          if (seen.tempId && seen.realId) answer.temp_id_mapping[seen.tempId] = seen.realId;
          continue;
        }
        const status = applyOne(c, answer.temp_id_mapping, answer.changes);
        if (status === 'ok') executed.push(structuredClone(c));
        const realId = c.temp_id ? answer.temp_id_mapping[c.temp_id] : undefined;
        done.set(c.uuid, {
          status,
          ...(c.temp_id ? { tempId: c.temp_id } : {}),
          ...(realId ? { realId } : {}),
        });
        answer.sync_status[c.uuid] = status;
      }
      return answer;
    },
  };
}

/** The webhook body Todoist sends for a change (v1 shape). */
export function webhookBody(change: TaskChange): string {
  return JSON.stringify({
    event_name: change.eventName,
    user_id: '5120884',
    event_data: change.task,
    ...(change.updateIntent ? { event_data_extra: { update_intent: change.updateIntent } } : {}),
    initiator: { id: '5120884', email: 'ines@example.org', full_name: 'Ines', is_premium: false },
    triggered_at: change.task['updated_at'],
    version: '10',
  });
}
