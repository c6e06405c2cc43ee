import * as v from 'valibot';
import { errorMessage, isAppError } from '../errors.js';
import { ENTITIES, type EntityDoc, putEntity } from '../exactly-once/entity-state.js';
import { applyEntity } from '../handlers/apply-entity.js';
import type { SyncContext } from '../handlers/context.js';
import { draftTask, mergeDraft } from '../handlers/task-draft.js';
import { todoTarget } from '../handlers/todos.js';
import { storedSource, storedTitle } from '../mapping/sparse-task.js';
import { isWriteRace, type Stored } from '../state/store.js';
import { taskSchema } from '../todoist/schemas.js';
import { MAPPED_TASK_FIELDS } from '../todoist/tolerant-task.js';
import { each } from './apply-run.js';
import { readOnlyContext } from './read-only.js';

/*
 * Remap: a mapping change (a property added to the database, a new Area prefix, a fix in the
 * mapping code) never reaches pages already shown through events, since the same Todoist version
 * is a duplicate. Each task's state keeps the Todoist fields it was mapped from (`source`), so the
 * current mapping is run on them again, relations resolved through today's claims (a merged Area
 * resolves to the page that survived), and only the pages whose properties differ are written,
 * one PATCH each. A dry run lists them and writes nothing.
 */

export interface RemapChange {
  taskId: string;
  name: string;
  pageId: string | undefined;
  /** The properties that differ. */
  properties: string[];
}

export interface RemapReport {
  mode: 'dry-run' | 'apply';
  checked: number;
  changes: RemapChange[];
  written: number;
  skipped: Array<{ taskId: string; reason: string }>;
  failures: Array<{ taskId: string; code: string; message: string }>;
}

type Doc = { id: string } & Stored<EntityDoc>;

function differing(before: string | null, after: string): string[] {
  const a = JSON.parse(before ?? '{}') as Record<string, unknown>;
  const b = JSON.parse(after) as Record<string, unknown>;
  const names = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...names].filter((n) => JSON.stringify(a[n]) !== JSON.stringify(b[n])).sort();
}

/** Maps every stored task again and lists (dry run) or writes (`apply`) the pages that differ. */
export async function remap(
  ctx: SyncContext,
  options: { apply: boolean; concurrency?: number },
): Promise<RemapReport> {
  const report: RemapReport = {
    mode: options.apply ? 'apply' : 'dry-run',
    checked: 0,
    changes: [],
    written: 0,
    skipped: [],
    failures: [],
  };
  const run = options.apply ? ctx : readOnlyContext(ctx, () => undefined);
  const docs = (await ctx.store.list<EntityDoc>(ENTITIES)).filter(
    (d) => d.data.kind === 'todo' && !d.data.deleted && d.data.desired !== null,
  );
  await each(docs, options.concurrency ?? 4, async (doc) => {
    report.checked++;
    try {
      await remapOne(ctx, run, doc, report, options.apply);
    } catch (error) {
      const code = isAppError(error) ? error.code : 'unexpected';
      report.failures.push({ taskId: doc.data.key, code, message: errorMessage(error) });
    }
  });
  report.changes.sort((a, b) => (a.taskId < b.taskId ? -1 : 1));
  return report;
}

async function remapOne(
  ctx: SyncContext,
  run: SyncContext,
  doc: Doc,
  report: RemapReport,
  apply: boolean,
): Promise<void> {
  const taskId = doc.data.key;
  if (!doc.data.source) {
    report.skipped.push({
      taskId,
      reason: 'stored before its Todoist fields were kept; a reconcile refreshes it',
    });
    return;
  }
  const source = storedSource(doc.data.source);
  const task = v.parse(taskSchema, { ...source, id: taskId });
  const absent = new Set(MAPPED_TASK_FIELDS.filter((f) => source[f] === undefined));
  const draft = await draftTask(run, task, { absent });
  const next = mergeDraft(doc.data, draft);
  const sameFingerprint = doc.data.fingerprint === draft.fingerprint;
  if (next.desiredHash === doc.data.desiredHash && (sameFingerprint || !apply)) return;
  const changed = next.desiredHash !== doc.data.desiredHash;
  if (changed)
    report.changes.push({
      taskId,
      name: storedTitle(next.desired) ?? '',
      pageId: await ctx.ensure.peek('todo', taskId),
      properties: differing(doc.data.desired, next.desired),
    });
  if (!apply) return;
  let stored: Stored<EntityDoc>;
  try {
    const updated: EntityDoc = { ...doc.data, ...next, fingerprint: draft.fingerprint, updatedAt: ctx.now() };
    stored = await putEntity(ctx.store, doc.id, updated, doc.version);
  } catch (error) {
    if (!isWriteRace(error)) throw error;
    // An event committed a newer state meanwhile: it was mapped with the current mapping.
    report.skipped.push({ taskId, reason: 'changed by an event during the remap' });
    return;
  }
  if (changed && (await applyEntity(ctx, todoTarget(ctx, taskId), stored)) === 'applied') report.written++;
}

/** The remap report as text for a terminal. */
export function remapText(report: RemapReport): string {
  const dry = report.mode === 'dry-run';
  const lines = [
    `remap (${dry ? 'dry run' : 'applied'}): ${report.checked} tasks checked, ${report.changes.length} ${dry ? 'would change' : 'differed'}, ${report.written} pages written`,
  ];
  for (const c of report.changes)
    lines.push(`  update todo ${c.taskId} ${JSON.stringify(c.name)}: ${c.properties.join(', ')}`);
  for (const s of report.skipped) lines.push(`  skipped todo ${s.taskId}: ${s.reason}`);
  for (const f of report.failures) lines.push(`  failed todo ${f.taskId}: ${f.code}: ${f.message}`);
  if (dry && report.changes.length > 0)
    lines.push('Dry run: nothing was written. Run with --apply to write these pages.');
  return `${lines.join('\n')}\n`;
}
