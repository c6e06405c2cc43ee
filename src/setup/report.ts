/** The text setup-notion prints: the plan, conflicts, and the variables to paste. */
import type { DatabaseKey } from '../notion/types.js';
import type { DatabaseRef } from './notion-setup.js';
import type { SetupPlan, SetupStep } from './plan.js';
import { CREATE_ORDER, DATABASE_TITLES, describeProperty } from './workspace-spec.js';

const pad = (db: DatabaseKey) => DATABASE_TITLES[db].padEnd(9);

/** One line per step, in the order they run. */
export function stepLine(step: SetupStep): string {
  const list = step.properties.map(describeProperty).join(', ');
  return step.kind === 'create'
    ? `${pad(step.db)} create database "${step.title}": ${list}`
    : `${pad(step.db)} add ${list}`;
}

/** The plan as lines: steps, databases already complete, conflicts, what is skipped and why. */
export function planLines(plan: SetupPlan, configured: ReadonlySet<DatabaseKey>): string[] {
  const out = plan.steps.map((s) => `  ${stepLine(s)}`);
  for (const db of CREATE_ORDER)
    if (configured.has(db) && !plan.steps.some((s) => s.db === db)) out.push(`  ${pad(db)} up to date`);
  for (const s of plan.skipped)
    out.push(
      `  ${pad(s.db)} skip ${s.property}: it points at ${DATABASE_TITLES[s.target]}, which is not configured (set NOTION_${s.target.toUpperCase()}_DATABASE_ID or pass --parent)`,
    );
  for (const db of plan.absent)
    out.push(
      `  ${pad(db)} not configured: set NOTION_${db.toUpperCase()}_DATABASE_ID or pass --parent to create it`,
    );
  if (plan.conflicts.length > 0) {
    out.push('', 'Properties with another type (setup-notion never renames, retypes or deletes a property):');
    for (const c of plan.conflicts)
      out.push(
        `  ${pad(c.db)} "${c.property}" is ${c.actual}; the sync needs ${c.expected}` +
          (c.required ? ' (required)' : ' (optional: the sync leaves it alone)') +
          ` → rename yours in Notion, then run again to add a ${c.expected} "${c.property}"`,
      );
  }
  return out;
}

/**
 * `NOTION_*_DATABASE_ID=…` lines for every known database, each followed by its
 * `NOTION_*_DATA_SOURCE_ID=…` when the version has data sources: a cold instance then skips one
 * database read per database.
 */
export function envLines(refs: Partial<Record<DatabaseKey, DatabaseRef>>): string[] {
  return CREATE_ORDER.flatMap((db) => {
    const ref = refs[db];
    if (!ref) return [];
    const name = `NOTION_${db.toUpperCase()}`;
    const lines = [`${name}_DATABASE_ID=${ref.id}`];
    if (ref.dataSourceId) lines.push(`${name}_DATA_SOURCE_ID=${ref.dataSourceId}`);
    return lines;
  });
}
