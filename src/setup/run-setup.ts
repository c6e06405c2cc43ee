/** Reads the workspace, plans, and (with apply) makes the missing databases and properties in order. */
import type { NotionVersion } from '../config/index.js';
import { AppError } from '../errors.js';
import type { DatabaseKey } from '../notion/types.js';
import { type DatabaseRef, isNotShared, propertyConfig, type SetupNotion } from './notion-setup.js';
import { type CurrentDatabase, planSetup, type SetupPlan } from './plan.js';
import { CREATE_ORDER, DATABASE_TITLES } from './workspace-spec.js';

export type SetupErrorCode = 'parent_not_shared' | 'database_not_shared' | 'ambiguous_database';

/** A workspace setup-notion cannot work on as it is; the message says what to do. */
export class SetupError extends AppError<SetupErrorCode> {}

export function isSetupError(value: unknown): value is SetupError {
  return value instanceof SetupError;
}

export interface SetupInput {
  /** The page new databases go in; without it only configured databases are completed. */
  parentPageId?: string;
  /** Database ids the user has already (NOTION_*_DATABASE_ID). */
  configured: Partial<Record<DatabaseKey, string>>;
  version: NotionVersion;
}

export interface Workspace {
  current: Partial<Record<DatabaseKey, CurrentDatabase>>;
  refs: Partial<Record<DatabaseKey, DatabaseRef>>;
}

const norm = (title: string) => title.trim().toLowerCase();

/** Configured databases, then the parent page's child databases titled Areas, Projects, Todos, People. */
export async function readWorkspace(notion: SetupNotion, input: SetupInput): Promise<Workspace> {
  const ids: Partial<Record<DatabaseKey, string>> = { ...input.configured };
  if (input.parentPageId) {
    let children: Array<{ id: string; title: string }>;
    try {
      children = await notion.childDatabases(input.parentPageId);
    } catch (error) {
      if (!isNotShared(error)) throw error;
      throw new SetupError(
        'parent_not_shared',
        `the page ${input.parentPageId} is not found or not shared with the integration: open it in Notion → ••• → Connections → add your integration, then run again`,
        { cause: error },
      );
    }
    for (const db of CREATE_ORDER) {
      if (ids[db]) continue;
      const same = children.filter((c) => norm(c.title) === norm(DATABASE_TITLES[db]));
      if (same.length > 1)
        throw new SetupError(
          'ambiguous_database',
          `the page holds ${same.length} databases titled "${DATABASE_TITLES[db]}" (${same.map((c) => c.id).join(', ')}): set NOTION_${db.toUpperCase()}_DATABASE_ID to the one to use`,
        );
      if (same[0]) ids[db] = same[0].id;
    }
  }
  const workspace: Workspace = { current: {}, refs: {} };
  for (const db of CREATE_ORDER) {
    const id = ids[db];
    if (!id) continue;
    try {
      const read = await notion.readDatabase(id);
      workspace.current[db] = { id: read.id, title: read.title, properties: read.properties };
      workspace.refs[db] = read.dataSourceId
        ? { id: read.id, dataSourceId: read.dataSourceId }
        : { id: read.id };
    } catch (error) {
      if (!isNotShared(error)) throw error;
      throw new SetupError(
        'database_not_shared',
        `the ${DATABASE_TITLES[db]} database ${id} is not found or not shared with the integration: check NOTION_${db.toUpperCase()}_DATABASE_ID, or open the database → ••• → Connections → add your integration`,
        { cause: error },
      );
    }
  }
  return workspace;
}

/** The plan for this workspace. */
export function planFor(workspace: Workspace, input: SetupInput): SetupPlan {
  return planSetup(workspace.current, input.parentPageId !== undefined);
}

/** Runs the steps in order (targets before the relations to them); returns every database's ref. */
export async function applyPlan(
  notion: SetupNotion,
  plan: SetupPlan,
  workspace: Workspace,
  input: SetupInput,
  onStep: (done: SetupPlan['steps'][number]) => void = () => {},
): Promise<Partial<Record<DatabaseKey, DatabaseRef>>> {
  const refs = { ...workspace.refs };
  const configs = (properties: SetupPlan['steps'][number]['properties']) =>
    Object.fromEntries(
      properties.map((p) => [
        p.name,
        propertyConfig(p, input.version, p.relation ? refs[p.relation] : undefined),
      ]),
    );
  for (const step of plan.steps) {
    if (step.kind === 'create') {
      if (!input.parentPageId) throw new Error('a create step needs a parent page');
      refs[step.db] = await notion.createDatabase(input.parentPageId, step.title, configs(step.properties));
    } else {
      const ref = refs[step.db];
      if (!ref) throw new Error(`${step.db}: no database to add properties to`);
      await notion.addProperties(ref, configs(step.properties));
    }
    onStep(step);
  }
  return refs;
}
