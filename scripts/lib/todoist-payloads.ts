/**
 * Todoist webhook bodies in the v1 wire shape (what Todoist POSTs), and the signed HTTP request the
 * webhook receiver sees for each, for the demo.
 */

import { signBody } from '../../src/todoist/signature.js';
import type { WebhookRequest, WebhookResponse } from '../../src/webhook/receiver.js';
import { makeProject, makeTask, type TodoistRecord } from '../../test/support/todoist-fake/records.js';

const INITIATOR = {
  email: 'alice@example.com',
  full_name: 'Alice',
  id: '5120884',
  image_id: null,
  is_premium: true,
};

/** Todoist's timestamp format: microseconds, `Z`. */
export function todoistStamp(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}.${String((ms % 1000) * 1000).padStart(6, '0')}Z`;
}

/** A task event body; `task` overrides the defaults of a complete v1 task. */
export function taskEventBody(
  eventName: string,
  task: Partial<TodoistRecord> & { id: string; updated_at: string },
  extra?: { updateIntent?: string; oldItem?: TodoistRecord },
): string {
  const record = makeTask({ url: `https://app.todoist.com/app/task/${task.id}`, ...task });
  const body: Record<string, unknown> = {
    event_name: eventName,
    user_id: '5120884',
    event_data: record,
    initiator: INITIATOR,
    triggered_at: task.updated_at,
    version: '1',
  };
  if (extra?.updateIntent)
    body['event_data_extra'] = { old_item: extra.oldItem ?? record, update_intent: extra.updateIntent };
  return JSON.stringify(body);
}

/** A project event body. */
export function projectEventBody(
  eventName: string,
  project: Partial<TodoistRecord> & { id: string; name: string; updated_at: string },
): string {
  return JSON.stringify({
    event_name: eventName,
    user_id: '5120884',
    event_data: makeProject(project),
    initiator: INITIATOR,
    triggered_at: project.updated_at,
    version: '1',
  });
}

/** What the receiver answered. */
export interface CapturedResponse extends WebhookResponse {
  statusCode: number;
}

/** A response object that records the status the receiver set. */
export function captureResponse(): CapturedResponse {
  const res: CapturedResponse = {
    statusCode: 0,
    status(code) {
      res.statusCode = code;
      return res;
    },
    set() {
      return res;
    },
    send() {
      return undefined;
    },
  };
  return res;
}

/** The POST Todoist makes: raw bytes, its delivery id, and the HMAC unless `signWith` is null. */
export function webhookRequest(body: string, deliveryId: string, signWith: string | null): WebhookRequest {
  const rawBody = Buffer.from(body, 'utf8');
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'content-length': String(rawBody.length),
    'user-agent': 'Todoist-Webhooks',
    'x-todoist-delivery-id': deliveryId,
  };
  if (signWith !== null) headers['x-todoist-hmac-sha256'] = signBody(rawBody, signWith);
  return { method: 'POST', headers, rawBody };
}

/** A comment event body (`note:*`) on task `itemId`. */
export function noteEventBody(
  eventName: string,
  note: { id: string; itemId: string; content: string; postedAt: string },
): string {
  return JSON.stringify({
    event_name: eventName,
    user_id: '2671355',
    event_data: {
      id: note.id,
      item_id: note.itemId,
      content: note.content,
      posted_at: note.postedAt,
      posted_uid: '2671355',
      is_deleted: false,
      file_attachment: null,
      reactions: null,
      uids_to_notify: null,
    },
    initiator: INITIATOR,
    triggered_at: note.postedAt,
    version: '1',
  });
}
