import { setTimeout as delay } from 'node:timers/promises';
import * as v from 'valibot';
import { createNodeFetch, type HttpFetch } from '../http/node-fetch.js';
import type { Logger } from '../log/logger.js';
import { describeIssues } from '../validation/issue-text.js';
import { jsonObject } from '../validation/json-values.js';
import { isTodoistApiError, TodoistApiError } from './api-errors.js';
import { getJson, type HttpSettings, type Query } from './http.js';
import {
  collaboratorSchema,
  projectSchema,
  sectionSchema,
  type TodoistCollaborator,
  type TodoistProject,
  type TodoistSection,
  type TodoistTask,
} from './schemas.js';
import { tolerantTaskSchema } from './tolerant-task.js';

export { isTodoistApiError, TodoistApiError, type TodoistApiErrorCode } from './api-errors.js';

/** Filters of `GET /api/v1/tasks` (active tasks only). */
export interface TaskQuery {
  projectId?: string;
  sectionId?: string;
  parentId?: string;
  label?: string;
  ids?: readonly string[];
}

/** Window of `GET /api/v1/tasks/completed/by_completion_date` (ISO-8601; at most three months). */
export interface CompletedQuery {
  since: string;
  until: string;
  projectId?: string;
}

/** The Todoist API v1 calls this product makes; reads only. */
export interface TodoistApi {
  /** A project, or undefined when it does not exist (404). */
  getProject(id: string): Promise<TodoistProject | undefined>;
  getProjects(): AsyncIterable<TodoistProject>;
  /** An active task, or undefined when it is unknown, deleted or completed (404). */
  getTask(id: string): Promise<TodoistTask | undefined>;
  getTasks(params?: TaskQuery): AsyncIterable<TodoistTask>;
  getCompletedTasks(range: CompletedQuery): AsyncIterable<TodoistTask>;
  getCollaborators(projectId: string): AsyncIterable<TodoistCollaborator>;
  /** A section, or undefined when it does not exist (404). */
  getSection(id: string): Promise<TodoistSection | undefined>;
}

export interface TodoistApiOptions {
  token: string;
  /** API origin, e.g. `https://api.todoist.com` (paths `/api/v1/...` are appended). */
  baseUrl: string;
  logger?: Logger | undefined;
  /** `limit` per page, 1..200. */
  pageSize?: number;
  timeoutMs?: number;
  maxAttempts?: number;
  maxRateLimitAttempts?: number;
  maxRetryAfterMs?: number;
  /** Injected by tests to observe backoff without waiting. */
  sleep?: (ms: number) => Promise<void>;
  /** The transport; a keep-alive node:http one of the client's own by default. */
  fetchImpl?: HttpFetch;
}

// Pages are `{results, next_cursor}`; the completed-tasks endpoint says `items`; a bare array is one page.
const pageSchema = v.union([
  v.array(v.unknown()),
  jsonObject({
    results: v.optional(v.array(v.unknown())),
    items: v.optional(v.array(v.unknown())),
    next_cursor: v.nullish(v.string()),
  }),
]);

/** The HTTP settings of a client from its options (defaults filled in). */
export function httpSettings(options: TodoistApiOptions): HttpSettings {
  return {
    token: options.token,
    baseUrl: options.baseUrl,
    logger: options.logger,
    timeoutMs: options.timeoutMs ?? 15_000,
    maxAttempts: options.maxAttempts ?? 4,
    maxRateLimitAttempts: options.maxRateLimitAttempts ?? 6,
    maxRetryAfterMs: options.maxRetryAfterMs ?? 60_000,
    sleep: options.sleep ?? ((ms) => delay(ms)),
    send: options.fetchImpl ?? createNodeFetch(),
  };
}

/** Creates the Todoist API v1 client (node:http, Bearer token, cursor pagination, bounded retries). */
export function createTodoistApi(options: TodoistApiOptions): TodoistApi {
  const settings = httpSettings(options);
  const limit = Math.min(200, Math.max(1, Math.floor(options.pageSize ?? 200)));

  async function one<S extends v.GenericSchema>(
    schema: S,
    path: string,
  ): Promise<v.InferOutput<S> | undefined> {
    let body: unknown;
    try {
      body = await getJson(settings, path);
    } catch (error) {
      if (isTodoistApiError(error, 'not_found')) return undefined;
      throw error;
    }
    const parsed = v.safeParse(schema, body);
    if (!parsed.success) {
      const where = describeIssues(parsed.issues, { root: '', max: 1 });
      throw new TodoistApiError('invalid_response', `GET ${path}: unexpected shape: ${where}`);
    }
    return parsed.output;
  }

  async function* pages<S extends v.GenericSchema>(
    schema: S,
    path: string,
    query: Query,
  ): AsyncGenerator<v.InferOutput<S>> {
    let cursor: string | undefined;
    const seen = new Set<string>();
    for (;;) {
      const body = v.safeParse(pageSchema, await getJson(settings, path, { ...query, limit, cursor }));
      if (!body.success) throw new TodoistApiError('invalid_response', `GET ${path}: not a page of results`);
      const page = body.output;
      const items = Array.isArray(page) ? page : (page.results ?? page.items);
      if (!items)
        throw new TodoistApiError('invalid_response', `GET ${path}: the page has neither results nor items`);
      for (const item of items) {
        const parsed = v.safeParse(schema, item);
        // One odd record must not stop a reconcile of thousands: skip it, say so.
        if (parsed.success) yield parsed.output;
        else
          settings.logger?.warn('Todoist record skipped: unexpected shape', {
            path,
            issue: describeIssues(parsed.issues, { root: '', max: 1 }),
          });
      }
      const next = Array.isArray(page) ? null : page.next_cursor;
      if (!next || seen.has(next)) return;
      seen.add(next);
      cursor = next;
    }
  }

  const id = (value: string) => encodeURIComponent(value);
  return {
    getProject: (projectId) => one(projectSchema, `/api/v1/projects/${id(projectId)}`),
    getProjects: () => pages(projectSchema, '/api/v1/projects', {}),
    getTask: (taskId) => one(tolerantTaskSchema, `/api/v1/tasks/${id(taskId)}`),
    getTasks: (params = {}) =>
      pages(tolerantTaskSchema, '/api/v1/tasks', {
        project_id: params.projectId,
        section_id: params.sectionId,
        parent_id: params.parentId,
        label: params.label,
        ids: params.ids?.join(','),
      }),
    getCompletedTasks: (range) =>
      pages(tolerantTaskSchema, '/api/v1/tasks/completed/by_completion_date', {
        since: range.since,
        until: range.until,
        project_id: range.projectId,
      }),
    getCollaborators: (projectId) =>
      pages(collaboratorSchema, `/api/v1/projects/${id(projectId)}/collaborators`, {}),
    getSection: (sectionId) => one(sectionSchema, `/api/v1/sections/${id(sectionId)}`),
  };
}
