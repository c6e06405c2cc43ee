import { contentHash } from '../exactly-once/content-hash.js';
import { type EntityDoc, putEntity, readEntity } from '../exactly-once/entity-state.js';
import { docId } from '../exactly-once/keys.js';
import { decideFields } from '../mapping/field-decisions.js';
import {
  fieldEquals,
  fieldInput,
  type PageFields,
  readPageFields,
  SYNCED_PROPERTIES,
  type SyncedField,
} from '../mapping/page-fields.js';
import type { NotionPage, PropertyInput } from '../notion/types.js';
import { isStateError, type Stored } from '../state/store.js';
import { AGAIN, retryOnWriteRace } from '../state/write-race.js';
import { applyEntity } from './apply-entity.js';
import type { SyncContext } from './context.js';
import { awaitUnseenTodoistChange, send } from './notion-send.js';
import { rereadPage } from './page-reread.js';
import { todoTarget } from './todos.js';

type Properties = Record<string, PropertyInput>;
export type EditOutcome = 'sent' | 'unchanged' | 'unknown_task' | 'failed';

const parse = (json: string | null | undefined): Properties | undefined => {
  try {
    return json ? (JSON.parse(json) as Properties) : undefined;
  } catch {
    return undefined;
  }
};

/** Todoist's `updated_at` of a stored state, ms (the first part of its ordering version). */
export function todoistTime(version: string): number | undefined {
  const micros = version.split('|')[0];
  if (!micros || /^0+$/.test(micros)) return undefined;
  return Number(BigInt(micros) / 1000n);
}

/**
 * Applies a person's edit of an existing task's page to Todoist: diff the page against what this
 * product last wrote, send only the fields the person changed (each as a Sync command whose uuid
 * is derived from the page, the state it was diffed against and the field), then record the new
 * state so that our own page event diffs to nothing and the Todoist webhook our command triggers
 * maps to what the page already shows (no write back).
 */
export async function syncPageEdit(
  ctx: SyncContext,
  page: NotionPage,
  taskId: string,
  edit: { at: number; eventId: string },
): Promise<EditOutcome> {
  const log = ctx.logger.child({ taskId, pageId: page.id, notionEventId: edit.eventId });
  const writer = ctx.todoistWriter;
  if (!writer) throw new Error('two-way sync needs the Todoist writer (TODOIST_API_TOKEN)');
  return ctx.memory.serial.todo(taskId, async () => {
    let shown = page;
    // The state version read just before `shown` was read (see page-reread.ts for why it matters).
    let readAfter: string | undefined;
    return retryOnWriteRace<EditOutcome>(
      `task ${taskId}: recording a Notion edit`,
      async () => {
        const stored = await readEntity(ctx.store, 'todo', taskId);
        if (!stored || stored.data.deleted || stored.data.desired === null) {
          log.info('page edit not sent: this task has no synced state (new, deleted or not yet reconciled)');
          return 'unknown_task';
        }
        const desired = parse(stored.data.desired) ?? {};
        const applied = parse(stored.data.applied) ?? desired;
        const available = await ctx.properties('todos');
        const onPage = Object.fromEntries(
          Object.entries(shown.properties).filter(([name]) => available.has(name)),
        );
        const decision = decideFields({
          page: readPageFields(onPage),
          applied: readPageFields(applied),
          desired: readPageFields(desired),
          notionAt: edit.at,
          todoistAt: todoistTime(stored.data.version),
        });
        if (Object.keys(decision.seen).length === 0) {
          log.info('page event carries no change by a person: nothing to send', { unchanged: true });
          return 'unchanged';
        }
        if (readAfter !== stored.version) {
          readAfter = stored.version;
          const again = await rereadPage(ctx, page.id);
          if (!again) {
            log.info('page edit not sent: the page is gone or trashed; its own event settles it');
            return 'unchanged';
          }
          shown = again;
          return AGAIN;
        }
        for (const c of decision.conflicts)
          log.info('conflict settled: the later change wins, a tie goes to Todoist', {
            conflict: true,
            field: c.field,
            notionValue: c.notion,
            todoistValue: c.todoist,
            winner: c.winner,
          });
        if (Object.keys(decision.send).length > 0)
          await awaitUnseenTodoistChange(ctx, taskId, stored, edit.at);
        const sent = await send(ctx, log, taskId, page.id, stored, decision.send, readPageFields(desired));
        const next = nextState(ctx.now(), stored.data, desired, applied, decision.seen, sent);
        let committed: Stored<EntityDoc>;
        try {
          committed = await putEntity(ctx.store, docId('todo', taskId), next, stored.version);
        } catch (error) {
          // Another instance or a Todoist event moved the state: diff again against it.
          if (isStateError(error, 'precondition_failed')) return AGAIN;
          throw error;
        }
        if (committed.data.appliedHash !== committed.data.desiredHash)
          await applyEntity(ctx, todoTarget(ctx, taskId), committed);
        return Object.keys(sent).length > 0 ? 'sent' : 'unchanged';
      },
      { onlyAgain: true },
    );
  });
}

/** The state after a Notion edit: Todoist now holds what was sent; the page shows what was seen. */
function nextState(
  now: number,
  data: EntityDoc,
  desired: Properties,
  applied: Properties,
  seen: Partial<PageFields>,
  sent: Partial<PageFields>,
): EntityDoc {
  const nextDesired = { ...desired };
  const nextApplied = { ...applied };
  const todoist = readPageFields(desired);
  for (const [field, value] of Object.entries(seen) as Array<[SyncedField, never]>) {
    const name = SYNCED_PROPERTIES[field];
    const shown = fieldInput(field, value);
    if (field in sent) {
      nextDesired[name] = shown;
      nextApplied[name] = shown;
    } else if (todoist[field] !== undefined && fieldEquals(field, value, todoist[field] as never)) {
      // Equal to Todoist's value: keep Todoist's form, so the state settles without a rewrite.
      nextApplied[name] = desired[name] as PropertyInput;
    } else {
      // Todoist won (or refused): the applier writes Todoist's value over what the page shows.
      nextApplied[name] = shown;
    }
  }
  const desiredHash = contentHash(nextDesired);
  const appliedHash = contentHash(nextApplied);
  return {
    ...data,
    desired: JSON.stringify(nextDesired),
    desiredHash,
    applied: JSON.stringify(nextApplied),
    appliedHash,
    updatedAt: now,
  };
}
