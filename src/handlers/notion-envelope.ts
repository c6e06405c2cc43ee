import * as v from 'valibot';
import { AppError } from '../errors.js';
import { describeIssues } from '../validation/issue-text.js';
import { jsonNumber, jsonObject } from '../validation/json-values.js';

/** A Notion webhook event as this product reads it (tolerant: unknown types and author kinds pass). */
export interface NotionEvent {
  id: string;
  /** When the change happened, ms since epoch (Notion: "can be used to order events"). */
  at: number;
  timestamp: string;
  type: string;
  authors: Array<{ id: string; type: string }>;
  entity: { id: string; type: string };
  attempt: number | undefined;
  /** Ids naming where the page lives (`data.parent`: the database id, and its data source id from 2025-09-03). */
  parentIds: string[];
}

const nonEmpty = v.pipe(v.string(), v.minLength(1));

const envelopeSchema = v.looseObject({
  id: nonEmpty,
  timestamp: nonEmpty,
  type: nonEmpty,
  authors: v.optional(v.array(v.looseObject({ id: v.string(), type: v.string() }))),
  entity: v.looseObject({ id: nonEmpty, type: nonEmpty }),
  attempt_number: v.optional(jsonNumber),
  data: v.optional(
    jsonObject({
      parent: v.optional(jsonObject({ id: v.optional(v.string()), data_source_id: v.optional(v.string()) })),
    }),
  ),
});

/** The body is not a Notion event we can read: ack it, retrying cannot help. */
export class NotionEventError extends AppError<'notion_event_invalid'> {
  constructor(message: string) {
    super('notion_event_invalid', message);
  }
}

export function isNotionEventError(value: unknown): value is NotionEventError {
  return value instanceof NotionEventError;
}

/** Parses a Notion webhook body (the raw bytes the receiver published). */
export function parseNotionEvent(body: Buffer): NotionEvent {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    throw new NotionEventError('the body is not JSON');
  }
  const parsed = v.safeParse(envelopeSchema, json);
  if (!parsed.success)
    throw new NotionEventError(`not a Notion webhook event: ${describeIssues(parsed.issues, { max: 1 })}`);
  const e = parsed.output;
  const at = Date.parse(e.timestamp);
  if (Number.isNaN(at)) throw new NotionEventError(`timestamp ${JSON.stringify(e.timestamp)} is not a date`);
  return {
    id: e.id,
    at,
    timestamp: e.timestamp,
    type: e.type,
    authors: (e.authors ?? []).map((a) => ({ id: a.id, type: a.type })),
    entity: { id: e.entity.id, type: e.entity.type },
    attempt: e.attempt_number,
    parentIds: [e.data?.parent?.id, e.data?.parent?.data_source_id].filter(
      (id): id is string => typeof id === 'string' && id !== '',
    ),
  };
}

/** True when every author is this integration: our own write coming back. */
export function authoredOnlyBy(event: NotionEvent, botId: string | undefined): boolean {
  if (!botId || event.authors.length === 0) return false;
  const own = botId.replace(/-/g, '').toLowerCase();
  return event.authors.every((a) => a.type === 'bot' && a.id.replace(/-/g, '').toLowerCase() === own);
}
