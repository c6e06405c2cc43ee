import { expect } from 'vitest';
import type { workspace } from './notion-view.js';
import type { ExpectedTask } from './workload.js';

/**
 * Asserts what a person sees after a workload: no duplicate Todo or Area pages, each deleted task
 * trashed (or never made), each other task on exactly one live page with its last name, Done,
 * priority and Areas, and (when given) its Project.
 */
export function expectWorkloadApplied(
  view: ReturnType<typeof workspace>,
  expected: Map<string, ExpectedTask>,
  options: { projectPageId?: string } = {},
): void {
  expect(view.duplicateTodos).toBe(0);
  expect(view.duplicateAreas).toBe(0);
  for (const [taskId, want] of expected) {
    const pages = view.todosByTask.get(taskId) ?? [];
    if (want.deleted) {
      expect(
        pages.every((p) => p.inTrash),
        `${taskId} deleted → trashed`,
      ).toBe(true);
      continue;
    }
    expect(pages, `${taskId} has one page`).toHaveLength(1);
    expect(pages[0]).toMatchObject({
      inTrash: false,
      name: want.name,
      done: want.done,
      priority: want.priority,
    });
    expect(pages[0]?.areaIds.map((id) => view.areaName.get(id)).sort()).toEqual(want.areas);
    if (options.projectPageId !== undefined) expect(pages[0]?.projectIds).toEqual([options.projectPageId]);
  }
}
