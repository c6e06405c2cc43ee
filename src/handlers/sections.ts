import { docId } from '../exactly-once/keys.js';
import { eventVersion } from '../exactly-once/ordering.js';
import type { Stored } from '../state/store.js';
import { retryOnWriteRace } from '../state/write-race.js';
import type { SectionEvent } from '../todoist/payload.js';
import type { TodoistSection } from '../todoist/schemas.js';
import type { SyncContext } from './context.js';
import { relabel } from './section-relabel.js';

/*
 * Sections are not pages: a task shows its section's name in the `Section` select. Names come
 * from `section:*` events (newest wins per section) or, for a section never seen, from the Todoist
 * API when a token is set. A rename re-labels the Todo pages that show the old name in that
 * section's project: the reconcile skips tasks whose own version did not move, so it would not.
 */

export const SECTIONS = 'sections';

/** What the store knows of one section. */
export interface SectionDoc {
  sectionId: string;
  name: string;
  projectId: string | null;
  /** Ordering key of the newest accepted event or snapshot (see ordering.ts). */
  version: string;
  /** Deleted or archived: its name stays, for tasks still pointing at it. */
  gone: boolean;
  updatedAt: number;
}

export type SectionOutcome = 'applied' | 'duplicate' | 'stale';

const sectionDocId = (sectionId: string) => docId('section', sectionId);

/** Commits a section state if it is the newest; returns the previous and the stored state. */
async function commitSection(
  ctx: SyncContext,
  next: Omit<SectionDoc, 'updatedAt'>,
): Promise<{ verdict: SectionOutcome; before: SectionDoc | undefined }> {
  const id = sectionDocId(next.sectionId);
  return retryOnWriteRace(`section ${next.sectionId}: committing its name`, async () => {
    const current = await ctx.store.get<SectionDoc>(SECTIONS, id);
    if (current && next.version < current.data.version) return { verdict: 'stale', before: current.data };
    if (current && next.version === current.data.version)
      return { verdict: 'duplicate', before: current.data };
    // A payload without a name (a deletion, say) keeps the known one for tasks still pointing here.
    const doc: SectionDoc = { ...next, name: next.name || current?.data.name || '', updatedAt: ctx.now() };
    if (current) await ctx.store.update(SECTIONS, id, doc, current.version);
    else await ctx.store.create(SECTIONS, id, doc);
    return { verdict: 'applied' as const, before: current?.data };
  });
}

/** The name of a section: from the store, else from the Todoist API (cached); undefined when unknown. */
export async function sectionName(ctx: SyncContext, sectionId: string): Promise<string | undefined> {
  const stored: Stored<SectionDoc> | undefined = await ctx.store.get<SectionDoc>(
    SECTIONS,
    sectionDocId(sectionId),
  );
  if (stored?.data.name) return stored.data.name;
  const api = ctx.todoist;
  if (!api) return undefined;
  const section = await ctx.memory.sections(
    sectionId,
    () => api.getSection(sectionId),
    (error) => {
      ctx.logger.warn('could not read the section name from Todoist; Section left as it is', {
        sectionId,
        error,
      });
      return undefined;
    },
  );
  if (!section?.name) return undefined;
  // A cache for the next task: a snapshot version, so any webhook of the same state wins. Best
  // effort: a dry run's read-only store refuses it, and a lost race only means another writer won.
  await commitSection(ctx, snapshotState(section)).catch(() => undefined);
  return section.name;
}

function snapshotState(section: TodoistSection): Omit<SectionDoc, 'updatedAt'> {
  return {
    sectionId: section.id,
    name: section.name,
    projectId: section.project_id,
    version: eventVersion({ eventName: 'section:snapshot', triggeredAt: null, section }),
    gone: section.is_deleted || section.is_archived,
  };
}

/** section:* events: keep the name current; a rename re-labels the pages that show the old one. */
export function syncSection(ctx: SyncContext, event: SectionEvent): Promise<SectionOutcome> {
  const { section } = event;
  const gone = event.eventName === 'section:deleted' || event.eventName === 'section:archived';
  return applySection(ctx, {
    ...snapshotState(section),
    version: eventVersion(event),
    gone: gone || section.is_deleted || section.is_archived,
  });
}

/**
 * A section read from the Todoist API (a reconcile), applied like an event: it wins only over
 * older states (its `updated_at`, else nothing), and a changed name relabels the pages.
 */
export function syncSectionSnapshot(ctx: SyncContext, section: TodoistSection): Promise<SectionOutcome> {
  return applySection(ctx, snapshotState(section));
}

async function applySection(ctx: SyncContext, next: Omit<SectionDoc, 'updatedAt'>): Promise<SectionOutcome> {
  return ctx.memory.serial.section(next.sectionId, async () => {
    const { verdict, before } = await commitSection(ctx, next);
    if (verdict === 'stale') {
      ctx.logger.info('stale event skipped: a newer state was already applied', {
        stale: true,
        sectionId: next.sectionId,
      });
      return 'stale';
    }
    if (verdict === 'applied' && before?.name && next.name && before.name !== next.name) {
      const current = async () =>
        (await ctx.store.get<SectionDoc>(SECTIONS, sectionDocId(next.sectionId)))?.data;
      await relabel(ctx, next.sectionId, before.name, current);
    }
    return verdict;
  });
}
