import * as v from 'valibot';
import type { SyncCommand } from '../mapping/todoist-commands.js';
import { jsonObject, jsonRecord } from '../validation/json-values.js';
import { httpSettings, type TodoistApiOptions } from './api.js';
import { TodoistApiError } from './api-errors.js';
import { postForm } from './http.js';

/** A command Todoist refused (`sync_status[uuid]` other than "ok"). */
export interface CommandFailure {
  error: string;
  errorTag: string | undefined;
  httpCode: number | undefined;
}

export interface SyncResult {
  /** Per command uuid: "ok" or why it failed. A batch is not atomic: read every one. */
  status: Record<string, 'ok' | CommandFailure>;
  /** Real ids of objects made with a `temp_id`. */
  tempIdMapping: Record<string, string>;
}

/** Todoist writes: `/api/v1/sync` commands, each applied once per uuid. */
export interface TodoistWriter {
  sync(commands: readonly SyncCommand[]): Promise<SyncResult>;
  /** Requests sent so far (for the per-edit figures). */
  requests(): number;
}

const responseSchema = jsonObject({
  sync_status: v.optional(jsonRecord(v.unknown())),
  temp_id_mapping: v.optional(jsonRecord(v.string())),
});

function failure(value: unknown): CommandFailure {
  const r = (value ?? {}) as Record<string, unknown>;
  return {
    error: typeof r['error'] === 'string' ? r['error'] : JSON.stringify(value),
    errorTag: typeof r['error_tag'] === 'string' ? r['error_tag'] : undefined,
    httpCode: typeof r['http_code'] === 'number' ? r['http_code'] : undefined,
  };
}

/**
 * Creates the Sync API writer. A lost answer, a 429 or a 5xx resends the same commands with the
 * same uuids, which Todoist does not execute twice; that is what makes the retry safe.
 */
export function createTodoistWriter(options: TodoistApiOptions): TodoistWriter {
  const settings = httpSettings(options);
  let sent = 0;
  return {
    async sync(commands) {
      if (commands.length === 0) return { status: {}, tempIdMapping: {} };
      if (commands.length > 100)
        throw new TodoistApiError('bad_request', 'POST /api/v1/sync: at most 100 commands per request');
      sent += 1;
      const body = v.safeParse(
        responseSchema,
        await postForm(settings, '/api/v1/sync', { commands: JSON.stringify(commands) }),
      );
      if (!body.success)
        throw new TodoistApiError('invalid_response', 'POST /api/v1/sync: the answer has no sync_status');
      const status: SyncResult['status'] = {};
      for (const command of commands) {
        const value = body.output.sync_status?.[command.uuid];
        if (value === undefined)
          throw new TodoistApiError('invalid_response', `POST /api/v1/sync: no status for ${command.type}`);
        status[command.uuid] = value === 'ok' ? 'ok' : failure(value);
      }
      return { status, tempIdMapping: body.output.temp_id_mapping ?? {} };
    },
    requests: () => sent,
  };
}
