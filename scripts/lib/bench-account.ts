/**
 * A Todoist account of N tasks for the reconcile and backfill parts of the benchmark: a few
 * projects, three Areas by label, every fourth task with an extra label, a short description.
 * Seeded by position only, so every run and process builds the same account.
 */
import { makeProject, makeTask, type TodoistRecord } from '../../test/support/todoist-fake/index.js';
import { todoistStamp } from './todoist-payloads.js';

export interface BenchAccount {
  projects: TodoistRecord[];
  tasks: TodoistRecord[];
}

const AREAS = ['Home', 'Work', 'Garden'];
const PROJECTS = 5;

/** `tasks` active tasks in five projects, last edited a day before `nowMs`, one second apart. */
export function benchAccount(tasks: number, nowMs: number): BenchAccount {
  const base = nowMs - 86_400_000 - tasks * 1_000;
  const projects = Array.from({ length: PROJECTS }, (_, p) =>
    makeProject({ id: `bproj${p}`, name: `Project ${p}`, updated_at: todoistStamp(base) }),
  );
  return {
    projects,
    tasks: Array.from({ length: tasks }, (_, i) =>
      makeTask({
        id: `bt${String(i).padStart(6, '0')}`,
        content: `Backfilled task ${i}`,
        project_id: `bproj${i % PROJECTS}`,
        labels: [`area:${AREAS[i % AREAS.length]}`, ...(i % 4 === 0 ? ['errand'] : [])],
        priority: 1 + (i % 4),
        description: `Note ${i}`,
        updated_at: todoistStamp(base + i * 1_000),
      }),
    ),
  };
}
