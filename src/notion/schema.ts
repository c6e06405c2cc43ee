/** The property names and types the sync expects, and the one-time check of each configured database. */
import type { Config } from '../config/index.js';
import { isNotionError, NotionError } from './errors.js';
import type { DatabaseKey, DatabaseSchema, NotionApi } from './types.js';

export interface PropertySpec {
  property: string;
  type: string;
  required: boolean;
}

const req = (property: string, type: string): PropertySpec => ({ property, type, required: true });
const opt = (property: string, type: string): PropertySpec => ({ property, type, required: false });

/** Expected schema per database (design.md "Notion schema"); `doctor` prints it. */
export const SCHEMA_SPEC: Readonly<Record<DatabaseKey, readonly PropertySpec[]>> = {
  areas: [req('Name', 'title')],
  projects: [req('Name', 'title'), req('Todoist ID', 'rich_text'), opt('Area', 'relation')],
  todos: [
    req('Name', 'title'),
    req('Todoist ID', 'rich_text'),
    opt('Done', 'checkbox'),
    opt('Due', 'date'),
    opt('Priority', 'select'),
    opt('Labels', 'multi_select'),
    opt('Description', 'rich_text'),
    opt('Project', 'relation'),
    opt('Area', 'relation'),
    opt('Assignee', 'relation'),
    opt('Parent', 'relation'),
    opt('Todoist URL', 'url'),
    opt('Section', 'select'),
    opt('Deadline', 'date'),
    opt('Duration', 'number'),
    opt('Owner', 'relation'),
  ],
  people: [req('Name', 'title'), opt('Email', 'email'), opt('Todoist ID', 'rich_text')],
};

export interface SkippedProperty {
  db: DatabaseKey;
  property: string;
  expected: string;
  /** The type the database has, when the property exists with another type. */
  actual?: string;
}

export interface SchemaReport {
  /** Properties of each database the sync may write: present with the expected type. */
  available: Partial<Record<DatabaseKey, Set<string>>>;
  schemas: Partial<Record<DatabaseKey, DatabaseSchema>>;
  /** Optional properties missing or of another type: the sync leaves them alone. */
  skipped: SkippedProperty[];
  /** Databases without a configured id (People is optional). */
  unconfigured: DatabaseKey[];
}

function problem(db: DatabaseKey, schema: DatabaseSchema, spec: PropertySpec): string | undefined {
  const found = schema.properties[spec.property];
  const where = `Notion database ${db} "${schema.title || '(untitled)'}" (${schema.databaseId})`;
  if (found?.type === spec.type) return undefined;
  if (found) return `${where}: property "${spec.property}" has type ${found.type}, expected ${spec.type}`;
  const titleName = Object.entries(schema.properties).find(([, p]) => p.type === 'title')?.[0];
  const hint =
    spec.type === 'title' && titleName ? ` (its title property is called "${titleName}": rename it)` : '';
  return `${where}: required property "${spec.property}" of type ${spec.type} is missing${hint}`;
}

async function readOne(api: NotionApi, db: DatabaseKey, id: string): Promise<DatabaseSchema> {
  try {
    return await api.schema(id);
  } catch (error) {
    if (
      !isNotionError(error) ||
      !['object_not_found', 'unauthorized', 'restricted_resource'].includes(error.code)
    )
      throw error;
    const hint =
      error.code === 'unauthorized'
        ? 'check NOTION_TOKEN'
        : 'check the id and share the database with the integration';
    throw new NotionError(
      error.code,
      `Notion database ${db} (${id}) cannot be read: ${error.message}; ${hint}`,
      {
        cause: error,
        status: error.status,
        requestId: error.requestId,
      },
    );
  }
}

/**
 * Reads each configured database's schema (or only the `only` ones) and sorts its properties into
 * usable and skipped. A required property missing or of the wrong type throws `schema_invalid`
 * naming every such problem.
 */
export async function checkSchemas(
  api: NotionApi,
  databases: Config['notion']['databases'],
  spec: Readonly<Record<DatabaseKey, readonly PropertySpec[]>> = SCHEMA_SPEC,
  only?: readonly DatabaseKey[],
): Promise<SchemaReport> {
  const report: SchemaReport = { available: {}, schemas: {}, skipped: [], unconfigured: [] };
  const keys = only ? [...only] : (Object.keys(spec) as DatabaseKey[]);
  const read = await Promise.all(
    keys.map(async (db) => [db, databases[db] ? await readOne(api, db, databases[db]) : undefined] as const),
  );
  const problems: string[] = [];
  for (const [db, schema] of read) {
    if (!schema) {
      report.unconfigured.push(db);
      continue;
    }
    report.schemas[db] = schema;
    const usable = new Set<string>();
    for (const property of spec[db]) {
      const issue = problem(db, schema, property);
      if (!issue) usable.add(property.property);
      else if (property.required) problems.push(issue);
      else {
        const actual = schema.properties[property.property]?.type;
        report.skipped.push({
          db,
          property: property.property,
          expected: property.type,
          ...(actual ? { actual } : {}),
        });
      }
    }
    report.available[db] = usable;
  }
  if (problems.length > 0) {
    throw new NotionError(
      'schema_invalid',
      `${problems.join('; ')}. Add or fix the property in Notion, then redeploy or rerun.`,
    );
  }
  return report;
}
