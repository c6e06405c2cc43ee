/** The demo's verdict: what a person would check in Notion after the burst, one line each. */

import type { NotionSandbox } from '../../test/support/notion-sandbox/index.js';
import { titleOf, workspace } from '../../test/support/notion-view.js';
import { dueOf, summarise, taskProblems } from './check-state.js';
import type { DemoScenario } from './demo-scenario.js';

export interface Check {
  ok: boolean;
  line: string;
}

function richText(value: unknown): string {
  const parts = (value as { rich_text?: Array<{ plain_text?: string }> } | undefined)?.rich_text ?? [];
  return parts.map((p) => p.plain_text ?? '').join('');
}

/** Every check of the final Notion state against the scenario. */
export function demoChecks(
  sandbox: NotionSandbox,
  scenario: DemoScenario,
  statuses: { forged: number[]; signed: number[]; published: number },
): Check[] {
  const view = workspace(sandbox);
  const summary = summarise(sandbox);
  const checks: Check[] = [];
  const add = (ok: boolean, line: string) => checks.push({ ok, line });

  add(
    statuses.signed.every((s) => s === 200),
    `every signed webhook answered 200 (${statuses.signed.length})`,
  );
  add(
    statuses.forged.length > 0 &&
      statuses.forged.every((s) => s === 401) &&
      statuses.published === statuses.signed.length,
    `unsigned and wrongly signed requests answered ${[...new Set(statuses.forged)].join(', ')} and were not published`,
  );
  add(
    summary.duplicates === 0,
    `one page per task, per project, per Area name (duplicates: ${summary.duplicates})`,
  );
  const raced = view.areaGroups.get(scenario.racedArea) ?? [];
  add(
    raced.length === 1,
    `two tasks racing for the new Area "Garden" (typed "Garden" and " garden ") → ${raced.length} Area page`,
  );
  const due = dueOf(sandbox, scenario.recurring.taskId);
  const recurring = scenario.tasks.find((t) => t.taskId === scenario.recurring.taskId);
  const recurringPage = (view.todosByTask.get(scenario.recurring.taskId) ?? [])[0];
  add(
    due === scenario.recurring.due && recurringPage?.done === false,
    `recurring "${recurring?.name}" completed → still open, Due moved to ${due ?? 'nothing'}`,
  );
  const deleted = view.todosByTask.get(scenario.deletedTaskId) ?? [];
  add(
    deleted.length === 1 && deleted.every((p) => p.inTrash),
    `deleted "Buy oat milk" → in the trash; the older edit delivered after the deletion did not revive it`,
  );
  const projects = view.projects.filter(
    (p) => !p.in_trash && richText(p.properties['Todoist ID']) === scenario.project.id,
  );
  const projectName = projects[0] ? titleOf(projects[0]) : 'no page';
  add(
    projects.length === 1 && projectName === scenario.project.name,
    `project event after its tasks → the placeholder page is now "${projectName}"`,
  );
  const problems = taskProblems(sandbox, scenario.tasks);
  add(
    problems.length === 0,
    problems.length === 0
      ? `every task shows its final state (name, Done, priority, Areas), the out-of-order edits included`
      : `tasks not in their final state: ${problems.join('; ')}`,
  );
  return checks;
}
