import type { SyncContext } from '../handlers/context.js';
import { syncPageEdit } from '../handlers/notion-edit.js';
import { syncNewTodo } from '../handlers/notion-new-todo.js';
import { readText } from '../notion/property-readers.js';
import { isStateError } from '../state/store.js';
import { RECONCILE_COLLECTION } from './window.js';

const LAST_SCAN = 'notion-scan';
/** `last_edited_time` is rounded down to the minute: look a minute further back than the last run. */
const OVERLAP_MS = 60_000;
/** A first run looks this far back. */
const FIRST_RUN_MS = 15 * 60_000;

interface LastScanDoc {
  /** When the last complete scan started, ms. */
  startedAt: number;
}

export interface NotionScanReport {
  scanned: number;
  sent: number;
  created: number;
  failures: number;
}

/**
 * The two-way backstop: Notion documents webhook delivery as at-most-once and may collapse events,
 * so each reconcile reads the Todo pages edited since its last run (newest first, a minute of
 * overlap) and passes each through the same diff as an event. A page in step sends nothing; the
 * edit's time is the page's `last_edited_time` (rounded down, so a tie goes to Todoist).
 */
export async function scanNotionEdits(ctx: SyncContext): Promise<NotionScanReport | undefined> {
  if (ctx.config.twoWay.direction !== 'two-way' || !ctx.todoistWriter) return undefined;
  const startedAt = ctx.now();
  const last = await ctx.store.get<LastScanDoc>(RECONCILE_COLLECTION, LAST_SCAN);
  const since = (last?.data.startedAt ?? startedAt - FIRST_RUN_MS) - OVERLAP_MS;
  const report: NotionScanReport = { scanned: 0, sent: 0, created: 0, failures: 0 };
  const pages = ctx.notion.queryAll(ctx.databaseId('todos'), {
    sorts: [{ timestamp: 'last_edited_time', direction: 'descending' }],
    pageSize: 100,
  });
  for await (const page of pages) {
    if (Date.parse(page.last_edited_time) < since) break;
    if (page.in_trash) continue;
    report.scanned += 1;
    const taskId = readText(page, 'Todoist ID').trim();
    const at = Date.parse(page.last_edited_time);
    try {
      if (!taskId) {
        const outcome = await syncNewTodo(ctx, page, {
          id: `scan:${page.id}`,
          at,
          timestamp: page.last_edited_time,
          type: 'page.created',
          authors: [],
          parentIds: [],
          entity: { id: page.id, type: 'page' },
          attempt: undefined,
        });
        if (outcome === 'created') report.created += 1;
      } else if ((await syncPageEdit(ctx, page, taskId, { at, eventId: `scan:${page.id}` })) === 'sent') {
        report.sent += 1;
      }
    } catch (error) {
      report.failures += 1;
      ctx.logger.warn('reconcile could not apply a Notion edit; the next run tries again', {
        pageId: page.id,
        error,
      });
    }
  }
  if (report.failures === 0) await writeLastScan(ctx, startedAt, last);
  ctx.logger.info('reconcile scanned Notion edits', { ...report, since: new Date(since).toISOString() });
  return report;
}

async function writeLastScan(
  ctx: SyncContext,
  startedAt: number,
  last: { data: LastScanDoc; version: string } | undefined,
): Promise<void> {
  try {
    if (last) await ctx.store.update(RECONCILE_COLLECTION, LAST_SCAN, { startedAt }, last.version);
    else await ctx.store.create(RECONCILE_COLLECTION, LAST_SCAN, { startedAt });
  } catch (error) {
    // Another run recorded its scan meanwhile; the overlap covers the difference.
    if (!isStateError(error, 'already_exists') && !isStateError(error, 'precondition_failed')) throw error;
  }
}
