/**
 * The start-up duplicate audit: once per instance, in the background, list the pages that must be
 * unique and log one ERROR per duplicate group (a log-based alert can match `duplicate_areas`).
 * It never delays or fails event handling: every Notion request is low priority in the shared
 * limiter, and any failure is a WARNING.
 */
import { errorMessage } from '../errors.js';
import type { EnsureOnce } from '../exactly-once/ensure-once.js';
import type { EntityKind } from '../exactly-once/keys.js';
import type { SyncContext } from '../handlers/context.js';
import type { DuplicateGroup } from './duplicates.js';
import { scanDuplicates } from './scan.js';

export type AuditContext = Pick<SyncContext, 'notion' | 'logger' | 'databaseId' | 'ensure' | 'config'>;

export interface StartupAuditOptions {
  /** Kinds to audit; default: `config.audit.kinds` when the config has it, else areas and projects. */
  kinds?: readonly EntityKind[];
  /** Run even when `config.audit.onStart` is false (tests, tools). */
  force?: boolean;
}

export interface AuditSummary {
  kinds: EntityKind[];
  /** Live pages read. */
  scanned: number;
  /** Duplicate groups found. */
  groups: number;
  /** Pages in those groups (canonical pages included). */
  pages: number;
  /** Kinds whose audit failed (logged as WARNING). */
  failed: EntityKind[];
}

/** Kinds audited when nothing says otherwise; Todos are opt-in because listing them all is costly. */
export const DEFAULT_AUDIT_KINDS: readonly EntityKind[] = ['area', 'project'];

const FLAG: Record<EntityKind, string> = {
  area: 'duplicate_areas',
  project: 'duplicate_projects',
  todo: 'duplicate_todos',
};
const LABEL: Record<EntityKind, string> = { area: 'Area', project: 'Project', todo: 'Todo' };

/** The command that merges a group, as the ERROR line shows it. */
export function fixCommand(kind: EntityKind): string {
  const flag = kind === 'area' ? '' : ` --kind ${kind}s`;
  return `npx cleanup-duplicate-areas${flag} --apply`;
}

/**
 * Parses `AUDIT_KINDS` (`areas,projects,todos`, singular accepted); undefined when unset.
 * Throws a plain Error naming the bad entry (the config loader wraps it).
 */
export function parseAuditKinds(raw: string | undefined): EntityKind[] | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  const kinds = new Set<EntityKind>();
  for (const part of raw.split(',').map((s) => s.trim().toLowerCase())) {
    if (part === '') continue;
    const kind = part.replace(/s$/, '');
    if (kind !== 'area' && kind !== 'project' && kind !== 'todo') {
      throw new Error(`unknown audit kind ${JSON.stringify(part)}: expected areas, projects or todos`);
    }
    kinds.add(kind);
  }
  return [...kinds];
}

function configuredKinds(config: AuditContext['config']): EntityKind[] | undefined {
  const kinds: unknown = (config.audit as { kinds?: unknown }).kinds;
  if (!Array.isArray(kinds)) return undefined;
  return kinds.filter((k): k is EntityKind => k === 'area' || k === 'project' || k === 'todo');
}

/** A cache read that never fails the audit: without the store the oldest page is named canonical. */
function safePeek(ctx: AuditContext): Pick<EnsureOnce, 'peek'> {
  return {
    peek: (kind, key) => ctx.ensure.peek(kind, key).catch(() => undefined),
  };
}

function report(ctx: AuditContext, group: DuplicateGroup): void {
  const identity = group.kind === 'area' ? {} : { todoist_id: group.key };
  ctx.logger.error(
    `duplicate ${LABEL[group.kind]} pages: "${group.name}" has ${group.pages.length} live pages`,
    {
      [FLAG[group.kind]]: true,
      kind: group.kind,
      name: group.name,
      ...identity,
      pages: group.pages,
      canonical: group.canonical.id,
      fix: fixCommand(group.kind),
    },
  );
}

async function audit(ctx: AuditContext, kinds: EntityKind[]): Promise<AuditSummary> {
  const summary: AuditSummary = { kinds, scanned: 0, groups: 0, pages: 0, failed: [] };
  for (const kind of kinds) {
    try {
      const scan = await scanDuplicates(ctx, kind, { ensure: safePeek(ctx), request: { priority: 'low' } });
      summary.scanned += scan.scanned;
      for (const group of scan.groups) {
        report(ctx, group);
        summary.groups += 1;
        summary.pages += group.pages.length;
      }
    } catch (error) {
      summary.failed.push(kind);
      ctx.logger.warn(`start-up duplicate audit of ${LABEL[kind]} pages failed: ${errorMessage(error)}`, {
        audit: true,
        kind,
        error,
      });
    }
  }
  ctx.logger.info(`start-up duplicate audit: ${summary.groups} duplicate groups, ${summary.pages} pages`, {
    audit: true,
    ...summary,
  });
  return summary;
}

/**
 * Starts the audit in the background and returns at once. The promise resolves with the summary
 * (undefined when the audit is switched off) and never rejects, so callers may drop it.
 */
export function startStartupAudit(
  ctx: AuditContext,
  options: StartupAuditOptions = {},
): Promise<AuditSummary | undefined> {
  if (!options.force && !ctx.config.audit.onStart) return Promise.resolve(undefined);
  const kinds = [...(options.kinds ?? configuredKinds(ctx.config) ?? DEFAULT_AUDIT_KINDS)];
  return new Promise<void>((resolve) => setImmediate(resolve))
    .then(() => audit(ctx, kinds))
    .catch((error: unknown) => {
      ctx.logger.warn(`start-up duplicate audit failed: ${errorMessage(error)}`, { audit: true, error });
      return undefined;
    });
}
