import { fieldEquals, type PageFields, SYNCED_FIELDS, type SyncedField } from './page-fields.js';

/** One field both sides changed to different values, and who won it. */
export interface Conflict {
  field: SyncedField;
  notion: unknown;
  todoist: unknown;
  winner: 'notion' | 'todoist';
}

export interface FieldInputs {
  /** What the page shows now. */
  page: Partial<PageFields>;
  /** What this product last wrote to the page, per field. */
  applied: Partial<PageFields>;
  /** Todoist's newest state as the page should show it. */
  desired: Partial<PageFields>;
  /** When the Notion edit happened (the event's `timestamp`), ms. */
  notionAt: number;
  /** Todoist's `updated_at` of the newest state, ms; undefined when unknown (Todoist then wins ties and unknowns). */
  todoistAt: number | undefined;
}

export interface FieldDecisions {
  /** Fields whose page value goes to Todoist. */
  send: Partial<PageFields>;
  /** Fields whose applied value becomes what the page shows (sent, already equal, or lost to Todoist). */
  seen: Partial<PageFields>;
  conflicts: Conflict[];
}

/**
 * Decides, per field, what a Notion edit means. A field the person did not change (page equals
 * what we last wrote) is left alone, so a page event caused by our own write decides nothing. A
 * field changed only in Notion goes to Todoist. A field both sides changed to different values
 * goes to the later change: the Notion event's timestamp against Todoist's `updated_at`, a tie
 * (or an unknown time) to Todoist. Pure.
 */
export function decideFields(input: FieldInputs): FieldDecisions {
  const send: Partial<PageFields> = {};
  const seen: Partial<PageFields> = {};
  const conflicts: Conflict[] = [];
  const set = <F extends SyncedField>(target: Partial<PageFields>, field: F, value: PageFields[F]) => {
    target[field] = value;
  };
  for (const field of SYNCED_FIELDS) {
    const page = input.page[field];
    const applied = input.applied[field];
    if (page === undefined) continue;
    if (applied !== undefined && fieldEquals(field, page, applied)) continue;
    const desired = input.desired[field];
    set(seen, field, page);
    if (desired !== undefined && fieldEquals(field, page, desired)) continue;
    const todoistChanged =
      desired !== undefined && (applied === undefined || !fieldEquals(field, desired, applied));
    if (!todoistChanged) {
      set(send, field, page);
      continue;
    }
    const winner = input.todoistAt !== undefined && input.notionAt > input.todoistAt ? 'notion' : 'todoist';
    conflicts.push({ field, notion: page, todoist: desired, winner });
    if (winner === 'notion') set(send, field, page);
  }
  return { send, seen, conflicts };
}
