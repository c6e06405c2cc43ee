/**
 * What the Notion sandbox holds at the end of a run, read the way a person would check it: pages per
 * database, duplicates, and whether every task shows its final Todoist state.
 */
import { normaliseName } from '../../src/exactly-once/keys.js';
import type { NotionSandbox } from '../../test/support/notion-sandbox/index.js';
import { groupLive, workspace } from '../../test/support/notion-view.js';
import type { ExpectedTask } from '../../test/support/workload.js';

export type { ExpectedTask } from '../../test/support/workload.js';

/** Live pages per database and the duplicates among them. */
export interface WorkspaceSummary {
  areas: number;
  projects: number;
  todos: number;
  trashedTodos: number;
  /** Keys (area name, Todoist task id, Todoist project id) with more than one page. */
  duplicateAreas: number;
  duplicateTodos: number;
  duplicateProjects: number;
  /** All duplicate keys together: the figure the product promises is 0. */
  duplicates: number;
  /** Pages beyond one per key (a key with three pages has two surplus pages). */
  surplusPages: number;
}

function textOf(value: unknown): string {
  const parts = (value as { rich_text?: Array<{ plain_text?: string }> } | undefined)?.rich_text ?? [];
  return parts.map((p) => p.plain_text ?? '').join('');
}

/** Counts pages and duplicates (a trashed page still counts for a task: a revived task is a second page). */
export function summarise(sandbox: NotionSandbox): WorkspaceSummary {
  const view = workspace(sandbox);
  const projectGroups = groupLive(view.projects, (p) => textOf(p.properties['Todoist ID']));
  const duplicateProjects = [...projectGroups.values()].filter((g) => g.length > 1).length;
  const surplus = (groups: Iterable<unknown[]>) => {
    let n = 0;
    for (const g of groups) n += Math.max(0, g.length - 1);
    return n;
  };
  return {
    areas: view.areas.filter((p) => !p.in_trash).length,
    projects: view.projects.filter((p) => !p.in_trash).length,
    todos: view.todos.filter((t) => !t.inTrash).length,
    trashedTodos: view.todos.filter((t) => t.inTrash).length,
    duplicateAreas: view.duplicateAreas,
    duplicateTodos: view.duplicateTodos,
    duplicateProjects,
    duplicates: view.duplicateAreas + view.duplicateTodos + duplicateProjects,
    surplusPages:
      surplus(view.areaGroups.values()) +
      surplus(view.todosByTask.values()) +
      surplus(projectGroups.values()),
  };
}

/**
 * Tasks whose Notion page does not show their final state: a deleted task with a live page, a live
 * task without exactly one live page, or a page with another name, Done, priority or areas.
 */
export function taskProblems(sandbox: NotionSandbox, expected: Iterable<ExpectedTask>): string[] {
  const view = workspace(sandbox);
  const problems: string[] = [];
  for (const want of expected) {
    const live = (view.todosByTask.get(want.taskId) ?? []).filter((p) => !p.inTrash);
    if (want.deleted) {
      if (live.length > 0) problems.push(`${want.name}: deleted in Todoist but live in Notion`);
      continue;
    }
    const page = live[0];
    if (!page || live.length > 1) {
      problems.push(`${want.name}: ${live.length} live pages instead of 1`);
      continue;
    }
    const areas = page.areaIds.map((id) => view.areaName.get(id) ?? id).sort();
    const wantAreas = want.areas.map(normaliseName).sort();
    const diffs: string[] = [];
    if (page.name !== want.name) diffs.push(`name "${page.name}"`);
    if (page.done !== want.done) diffs.push(`Done ${page.done}`);
    if (page.priority !== want.priority) diffs.push(`priority ${page.priority}`);
    if (areas.join('|') !== wantAreas.join('|')) diffs.push(`areas [${areas.join(', ')}]`);
    if (diffs.length > 0) problems.push(`${want.name}: shows ${diffs.join(', ')}`);
  }
  return problems;
}

/** The `Due` start date of the live page of a task, if any. */
export function dueOf(sandbox: NotionSandbox, taskId: string): string | null {
  const view = workspace(sandbox);
  const page = (view.todosByTask.get(taskId) ?? []).find((p) => !p.inTrash);
  if (!page) return null;
  const raw = sandbox.pages({ databaseId: sandbox.databases.todos }).find((p) => p.id === page.id);
  const due = raw?.properties['Due'] as { date?: { start?: string } | null } | undefined;
  return due?.date?.start ?? null;
}
