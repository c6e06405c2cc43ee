/** A two-way unit workspace: fake Notion, an in-memory Todoist applying Sync commands, one or more instances. */

import { randomUUID } from 'node:crypto';
import * as v from 'valibot';
import type { SyncContext } from '../../src/handlers/context.js';
import { handleMessage } from '../../src/handlers/handle-message.js';
import { handleNotionMessage } from '../../src/handlers/notion-event.js';
import { silentLogger } from '../../src/log/logger.js';
import { createSyncContext } from '../../src/runtime.js';
import { createMemoryStore } from '../../src/state/memory.js';
import type { TodoistApi } from '../../src/todoist/api.js';
import { taskSchema } from '../../src/todoist/schemas.js';
import type { TodoistWriter } from '../../src/todoist/sync-writer.js';
import { makeTask, type TodoistRecord } from './todoist-fake/records.js';
import { createSyncApplier, type TaskChange, webhookBody } from './todoist-fake/sync-commands.js';
import { fakeWorkspace, unitConfig } from './unit-context.js';

/** The id `GET /v1/users/me` would return for the integration in these tests. */
export const BOT_ID = 'b0b0b0b0-0000-4000-8000-000000000001';

export function twoWayWorkspace(env: Record<string, string> = {}) {
  const notion = fakeWorkspace();
  const store = createMemoryStore();
  const tasks = new Map<string, TodoistRecord>();
  const applier = createSyncApplier(tasks);
  /** Webhooks Todoist owes us for changes our commands made (delivered when the test says). */
  const outbox: TaskChange[] = [];
  let requests = 0;
  const writer: TodoistWriter = {
    async sync(commands) {
      requests += 1;
      const answer = applier.apply(commands);
      outbox.push(...answer.changes);
      const status: Awaited<ReturnType<TodoistWriter['sync']>>['status'] = {};
      for (const [uuid, s] of Object.entries(answer.sync_status))
        status[uuid] =
          s === 'ok' ? 'ok' : { error: JSON.stringify(s), errorTag: undefined, httpCode: undefined };
      return { status, tempIdMapping: answer.temp_id_mapping };
    },
    requests: () => requests,
  };
  const todoist = {
    getTask: async (id: string) => {
      const t = tasks.get(id);
      return t ? v.parse(taskSchema, t) : undefined;
    },
    getProject: async () => undefined,
  } as unknown as TodoistApi;
  const config = unitConfig({ SYNC_DIRECTION: 'two-way', TODOIST_API_TOKEN: 'tok', ...env });
  const instance = (): SyncContext => ({
    ...createSyncContext(config, silentLogger, { store, notion: notion.api, todoist, todoistWriter: writer }),
    botId: async () => BOT_ID,
  });
  let n = 0;
  return {
    notion,
    tasks,
    applier,
    outbox,
    writer,
    instance,
    /** A Todoist change made by a person in Todoist: applied to the task, its webhook returned. */
    todoistEdit(id: string, change: Partial<TodoistRecord>, at = new Date()): string {
      const task = {
        ...(tasks.get(id) ?? makeTask({ id })),
        ...change,
        updated_at: `${at.toISOString().slice(0, 23)}000Z`,
      };
      tasks.set(id, task);
      return webhookBody({ eventName: 'item:updated', task });
    },
    add(task: TodoistRecord): string {
      tasks.set(task.id, task);
      return webhookBody({ eventName: 'item:added', task });
    },
    deliverTodoist(ctx: SyncContext, body: string) {
      n += 1;
      return handleMessage(ctx, {
        body: Buffer.from(body),
        attributes: { deliveryId: `t${n}` },
        messageId: `tm${n}`,
      });
    },
    /** Delivers every webhook Todoist owes for our commands (the would-be echoes). */
    async flushOutbox(ctx: SyncContext) {
      const outcomes = [];
      for (const change of outbox.splice(0))
        outcomes.push(await this.deliverTodoist(ctx, webhookBody(change)));
      return outcomes;
    },
    notionEvent(
      pageId: string,
      opts: { id?: string; type?: string; at?: Date; author?: 'person' | 'bot' } = {},
    ) {
      return JSON.stringify({
        id: opts.id ?? randomUUID(),
        timestamp: (opts.at ?? new Date()).toISOString(),
        workspace_id: 'w',
        subscription_id: 's',
        integration_id: 'i',
        type: opts.type ?? 'page.properties_updated',
        authors: [opts.author === 'bot' ? { id: BOT_ID, type: 'bot' } : { id: 'person-1', type: 'person' }],
        attempt_number: 1,
        entity: { id: pageId, type: 'page' },
        data: { parent: { id: 'db', type: 'database' }, updated_properties: ['title'] },
      });
    },
    deliverNotion(ctx: SyncContext, body: string) {
      n += 1;
      return handleNotionMessage(ctx, { body: Buffer.from(body), attributes: {}, messageId: `nm${n}` });
    },
  };
}
