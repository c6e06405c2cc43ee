import { z } from 'zod';
import { AppError } from '../errors.js';

/** A Pub/Sub message as the sync needs it: the raw Todoist body and the delivery's identity. */
export interface InboundMessage {
  body: Buffer;
  attributes: Record<string, string>;
  messageId: string | undefined;
}

const messagePublished = z.object({
  message: z.looseObject({
    data: z.string().optional(),
    attributes: z.record(z.string(), z.string()).nullish(),
    messageId: z.string().optional(),
    message_id: z.string().optional(),
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
  const parsed = messagePublished.safeParse(typeof data === 'string' ? safeJson(data) : data);
  if (!parsed.success) {
    throw new MessageError(
      `not a Pub/Sub messagePublished event: ${parsed.error.issues[0]?.message ?? 'bad shape'}`,
    );
  }
  const { message } = parsed.data;
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
