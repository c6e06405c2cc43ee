import { normaliseName } from '../../src/exactly-once/keys.js';
import type { NotionSandbox, SandboxPage } from './notion-sandbox/index.js';

/** What a person sees in the sandbox workspace, read the way the assertions need it. */
export interface TodoView {
  id: string;
  inTrash: boolean;
  name: string;
  todoistId: string;
  done: boolean;
  priority: string | null;
  areaIds: string[];
  projectIds: string[];
}

function text(value: unknown): string {
  const parts =
    (value as { title?: unknown[]; rich_text?: unknown[] } | undefined)?.title ??
    (value as { rich_text?: unknown[] } | undefined)?.rich_text ??
    [];
  return parts.map((p) => (p as { plain_text?: string }).plain_text ?? '').join('');
}

function relationIds(value: unknown): string[] {
  return ((value as { relation?: Array<{ id: string }> } | undefined)?.relation ?? []).map((r) => r.id);
}

export function todoView(page: SandboxPage): TodoView {
  const p = page.properties;
  return {
    id: page.id,
    inTrash: page.in_trash,
    name: text(p['Name']),
    todoistId: text(p['Todoist ID']),
    done: (p['Done'] as { checkbox?: boolean } | undefined)?.checkbox ?? false,
    priority: (p['Priority'] as { select?: { name: string } | null } | undefined)?.select?.name ?? null,
    areaIds: relationIds(p['Area']),
    projectIds: relationIds(p['Project']),
  };
}

export function titleOf(page: SandboxPage): string {
  return text(page.properties['Name']);
}

/** Pages of one database grouped by a key; duplicates are the groups with more than one live page. */
export function groupLive(pages: SandboxPage[], key: (p: SandboxPage) => string): Map<string, SandboxPage[]> {
  const groups = new Map<string, SandboxPage[]>();
  for (const page of pages) {
    if (page.in_trash) continue;
    const k = key(page);
    groups.set(k, [...(groups.get(k) ?? []), page]);
  }
  return groups;
}

export function workspace(sandbox: NotionSandbox) {
  const all = (db: string) => sandbox.pages({ databaseId: db, includeTrashed: true });
  const areas = all(sandbox.databases.areas);
  const todos = all(sandbox.databases.todos).map(todoView);
  const projects = all(sandbox.databases.projects);
  const areaName = new Map(areas.map((a) => [a.id, normaliseName(titleOf(a))]));
  const areaGroups = groupLive(areas, (p) => normaliseName(titleOf(p)));
  const todosByTask = new Map<string, TodoView[]>();
  for (const t of todos) todosByTask.set(t.todoistId, [...(todosByTask.get(t.todoistId) ?? []), t]);
  const duplicateAreas = [...areaGroups.values()].filter((g) => g.length > 1).length;
  const duplicateTodos = [...todosByTask.values()].filter((g) => g.length > 1).length;
  return { areas, todos, projects, areaName, areaGroups, todosByTask, duplicateAreas, duplicateTodos };
}
