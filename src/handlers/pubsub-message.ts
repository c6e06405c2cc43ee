import * as v from 'valibot';
import { AppError } from '../errors.js';
import { describeIssues } from '../validation/issue-text.js';
import { jsonObject, jsonRecord } from '../validation/json-values.js';

/** A Pub/Sub message as the sync needs it: the raw Todoist body and the delivery's identity. */
export interface InboundMessage {
  body: Buffer;
  attributes: Record<string, string>;
  messageId: string | undefined;
}

const messagePublished = v.object({
  message: jsonObject({
    data: v.optional(v.string()),
    attributes: v.nullish(jsonRecord(v.string())),
    messageId: v.optional(v.string()),
    message_id: v.optional(v.string()),
  }),
});

/** The CloudEvent is not a Pub/Sub message we can read: ack it, retrying cannot help. */
export class MessageError extends AppError<'message_invalid'> {
  constructor(message: string) {
    super('message_invalid', message);
  }
}

/** Reads the `messagePublished` CloudEvent data (binary CloudEvents and converted raw pushes alike). */
export function decodeMessage(data: unknown, cloudEventId?: string): InboundMessage {
  const parsed = v.safeParse(messagePublished, typeof data === 'string' ? safeJson(data) : data);
  if (!parsed.success) {
    throw new MessageError(
      `not a Pub/Sub messagePublished event: ${describeIssues(parsed.issues, { max: 1 })}`,
    );
  }
  const { message } = parsed.output;
  if (!message.data) throw new MessageError('the Pub/Sub message has no data');
  return {
    body: Buffer.from(message.data, 'base64'),
    attributes: message.attributes ?? {},
    messageId: message.messageId ?? message.message_id ?? cloudEventId,
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
