/**
 * The naive baseline the product replaces: query-then-create with no lock, no cache, no ledger and
 * no ordering. Per event: look each Area up by title and create it if the query finds none; the same
 * for the Project and the Todo (by Todoist ID), then update what was found. It writes the same
 * properties as the product (the same pure mapping) through the same Notion client, limiter and
 * retry policy, so the only difference measured is the exactly-once logic.
 */

import { displayName } from '../../src/exactly-once/keys.js';
import { placeholderName } from '../../src/handlers/projects.js';
import { taskToTodo, todoToProperties } from '../../src/mapping/task-properties.js';
import { textEquals, titleEquals } from '../../src/notion/filters.js';
import { richText, title } from '../../src/notion/properties.js';
import type { Filter, NotionApi, PropertyInput } from '../../src/notion/types.js';
import { isTodoistPayloadError, parseWebhookBody } from '../../src/todoist/payload.js';

export interface NaiveSyncOptions {
  notion: NotionApi;
  databases: { areas: string; projects: string; todos: string };
  areaLabelPrefix: string;
}

/** A handler with the shape of the product's: raw webhook body in, outcome out; throws to be retried. */
export function createNaiveSync(options: NaiveSyncOptions): (body: Buffer) => Promise<string> {
  const { notion, databases } = options;
  let todoProperties: Promise<Set<string>> | undefined;
  // Reading the schema once is not the exactly-once logic; the product does it too.
  const available = () => {
    todoProperties ??= notion.schema(databases.todos).then((s) => new Set(Object.keys(s.properties)));
    return todoProperties;
  };
  const first = async (db: string, filter: Filter) =>
    (await notion.query(db, { filter, pageSize: 10 })).results.find((p) => !p.in_trash)?.id;

  const area = async (name: string): Promise<string> => {
    const shown = displayName(name);
    const found = await first(databases.areas, titleEquals('Name', shown));
    return found ?? (await notion.createPage(databases.areas, { Name: title(shown) })).id;
  };
  const project = async (projectId: string, name?: string): Promise<string> => {
    const properties = { Name: title(name ?? placeholderName(projectId)), 'Todoist ID': richText(projectId) };
    const found = await first(databases.projects, textEquals('Todoist ID', projectId));
    if (!found) return (await notion.createPage(databases.projects, properties)).id;
    if (name !== undefined) await notion.updatePage(found, { properties });
    return found;
  };
  const upsert = async (db: string, todoistId: string, properties: Record<string, PropertyInput>) => {
    const found = await first(db, textEquals('Todoist ID', todoistId));
    if (found) await notion.updatePage(found, { properties });
    else await notion.createPage(db, properties);
  };
  const trash = async (db: string, todoistId: string): Promise<string> => {
    const found = await first(db, textEquals('Todoist ID', todoistId));
    if (!found) return 'unchanged';
    await notion.updatePage(found, { inTrash: true });
    return 'applied';
  };

  return async (body) => {
    let event: ReturnType<typeof parseWebhookBody>;
    try {
      event = parseWebhookBody(body);
    } catch (error) {
      if (isTodoistPayloadError(error)) return 'poison';
      throw error;
    }
    if (event.kind === 'project') {
      const { project: p } = event;
      if (event.eventName === 'project:deleted' || event.eventName === 'project:archived')
        return trash(databases.projects, p.id);
      await project(p.id, p.name);
      return 'applied';
    }
    if (event.kind !== 'task') return 'ignored';
    const task = event.task;
    if (event.eventName === 'item:deleted' || task.is_deleted) return trash(databases.todos, task.id);
    const fields = taskToTodo(task, {
      areaLabelPrefix: options.areaLabelPrefix,
      updateIntent: event.updateIntent,
    });
    const [areaPageIds, projectPageId] = await Promise.all([
      Promise.all(fields.areaNames.map(area)),
      fields.projectId ? project(fields.projectId) : Promise.resolve(undefined),
    ]);
    const properties = todoToProperties(fields, { areaPageIds, projectPageId }, await available());
    await upsert(databases.todos, task.id, properties);
    return 'applied';
  };
}
