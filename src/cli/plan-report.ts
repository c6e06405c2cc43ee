/** How `cleanup-duplicate-areas` shows a merge plan and its outcome: a table for people, JSON for machines. */
import type { ApplyResult } from '../audit/merge-apply.js';
import { linkCounts, type MergePlan } from '../audit/merge-plan.js';
import type { EntityKind } from '../exactly-once/keys.js';

const NOUN: Record<EntityKind, string> = { area: 'areas', project: 'projects', todo: 'todos' };

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, col) => Math.max(...rows.map((r) => (r[col] ?? '').length))) ?? [];
  return rows
    .map((r) =>
      r
        .map((cell, col) => cell.padEnd(widths[col] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** The plan as JSON-ready data (stable field names; `--json` prints it). */
export function planData(plan: MergePlan) {
  return {
    kind: plan.kind,
    scanned: plan.scanned,
    groups: plan.groups.map((g) => ({
      key: g.key,
      name: g.name,
      canonical: { ...g.canonical, by: g.canonicalBy },
      duplicates: g.duplicates,
      links: linkCounts(plan, g),
    })),
    relinks: plan.relinks,
    blocked: plan.blocked,
    staleCache: plan.staleCache,
    totals: {
      groups: plan.groups.length,
      duplicates: plan.groups.reduce((n, g) => n + g.duplicates.length, 0),
      links: plan.relinks.length,
      blocked: plan.blocked.length,
    },
  };
}

/** The plan as a readable table with counts. */
export function planText(plan: MergePlan): string {
  const data = planData(plan);
  const noun = NOUN[plan.kind];
  const out: string[] = [];
  out.push(
    `Duplicate ${noun}: ${data.totals.groups} groups, ${data.totals.duplicates} duplicate pages, ` +
      `${data.totals.links} pages to re-link (${plan.scanned} ${noun} scanned)`,
  );
  if (plan.groups.length > 0) {
    const dbs = plan.holders.map((h) => h.db);
    const header = ['NAME', 'PAGE', 'CREATED', 'ROLE', ...dbs.map((db) => `${db.toUpperCase()} LINKED`)];
    const rows: string[][] = [header];
    for (const g of data.groups) {
      rows.push([
        g.name,
        g.canonical.id,
        g.canonical.created_time,
        `keep (${g.canonical.by})`,
        ...dbs.map(() => ''),
      ]);
      for (const d of g.duplicates) rows.push(['', d.id, d.created_time, 'merge', ...dbs.map(() => '')]);
      rows.push(['', '', '', 'links to move', ...dbs.map((db) => String(g.links[db] ?? 0))]);
    }
    out.push('', table(rows));
  }
  if (plan.blocked.length > 0) {
    out.push('', `Links that cannot be moved (their duplicates are kept): ${plan.blocked.length}`);
    for (const b of plan.blocked) out.push(`  ${b.db}.${b.property} on ${b.pageId}: ${b.reason}`);
  }
  if (plan.staleCache.length > 0) {
    out.push('', `Cache entries pointing at the wrong page: ${plan.staleCache.length}`);
    for (const s of plan.staleCache) out.push(`  "${s.key}": ${s.cached} → ${s.live}`);
  }
  return `${out.join('\n')}\n`;
}

/** What an `--apply` run did. */
export function resultText(result: ApplyResult): string {
  const out = [
    `Re-linked ${result.relinked} pages, trashed ${result.trashed} duplicates, pointed the cache for ${result.cachePointed} names.`,
  ];
  if (result.kept.length > 0)
    out.push(`Kept ${result.kept.length} duplicates whose links could not all be moved.`);
  if (result.failures.length > 0) {
    out.push(`Failures (${result.failures.length}); run the command again to resume:`);
    for (const f of result.failures.slice(0, 20)) out.push(`  ${f.action} ${f.pageId || '-'}: ${f.error}`);
    if (result.failures.length > 20) out.push(`  … and ${result.failures.length - 20} more`);
  }
  return `${out.join('\n')}\n`;
}
