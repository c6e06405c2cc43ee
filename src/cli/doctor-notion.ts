/** The doctor's Notion probes: reachability, the token, and each configured database's properties. */
import type { Config } from '../config/index.js';
import { errorMessage } from '../errors.js';
import { type ConfiguredSourceError, isConfiguredSourceError } from '../notion/configured-sources.js';
import { isNotionError } from '../notion/errors.js';
import { SCHEMA_SPEC } from '../notion/schema.js';
import type { DatabaseKey, DatabaseSchema, NotionApi } from '../notion/types.js';
import type { CheckLine } from './checklist.js';

const LABEL: Record<DatabaseKey, string> = {
  areas: 'Areas',
  projects: 'Projects',
  todos: 'Todos',
  people: 'People',
};
const variableOf = (db: DatabaseKey) => `NOTION_${db.toUpperCase()}_DATABASE_ID`;

/** Lines for one database's properties: one per required problem, one summary otherwise. */
export function propertyLines(db: DatabaseKey, schema: DatabaseSchema): CheckLine[] {
  const name = `${LABEL[db]} database "${schema.title || '(untitled)'}"`;
  const lines: CheckLine[] = [];
  const optionalMissing: string[] = [];
  for (const spec of SCHEMA_SPEC[db]) {
    const found = schema.properties[spec.property];
    if (found?.type === spec.type) continue;
    if (!spec.required) {
      optionalMissing.push(`${spec.property} (${spec.type}${found ? `, is ${found.type}` : ''})`);
      continue;
    }
    lines.push({
      status: 'fail',
      label: `${LABEL[db]} database: property "${spec.property}"`,
      detail: found
        ? `has type ${found.type}; it must be ${spec.type}`
        : `is missing; it must be of type ${spec.type}`,
      fix: found
        ? `in the ${LABEL[db]} database, change "${spec.property}" to type ${spec.type} (or rename it and add a ${spec.type} property "${spec.property}")`
        : `in the ${LABEL[db]} database, add a property "${spec.property}" of type ${spec.type} (npm run setup-notion -- --apply adds every missing property)`,
    });
  }
  if (lines.length === 0)
    lines.push({ status: 'ok', label: name, detail: 'every required property present' });
  if (optionalMissing.length > 0) {
    lines.push({
      status: 'skip',
      label: `${LABEL[db]} optional properties not used`,
      detail: optionalMissing.join(', '),
    });
  }
  return lines;
}

/** A configured data source that is unknown or belongs to another database: its own line and fix. */
function sourceFailure(db: DatabaseKey, error: ConfiguredSourceError): CheckLine {
  return {
    status: 'fail',
    label: `${LABEL[db]} data source (${error.variable})`,
    detail: error.finding,
    fix: `set ${error.variable} to the data source of ${variableOf(db)} (npm run setup-notion prints it; Notion: database settings → Manage data sources → Copy data source ID), or unset it: the sync then reads it from the database`,
  };
}

function databaseFailure(db: DatabaseKey, id: string, error: unknown): CheckLine {
  if (isConfiguredSourceError(error)) return sourceFailure(db, error);
  const label = `${LABEL[db]} database ${id}`;
  if (isNotionError(error, 'object_not_found')) {
    return {
      status: 'fail',
      label,
      detail: 'not found, or not shared with the integration',
      fix: `open the database in Notion → ••• → Connections → add your integration; check ${variableOf(db)}`,
    };
  }
  if (isNotionError(error, 'restricted_resource')) {
    return {
      status: 'fail',
      label,
      detail: 'access refused',
      fix: 'give the integration read, insert and update content capabilities',
    };
  }
  return {
    status: 'fail',
    label,
    detail: errorMessage(error),
    fix: 'see the message; run doctor again when Notion answers',
  };
}

/**
 * Probes Notion through the product's own client. The first database read tells whether the API
 * answers at all and whether the token is accepted; then every configured database is read.
 */
export async function checkNotion(
  config: Config,
  failed: ReadonlySet<string>,
  api: NotionApi,
): Promise<CheckLine[]> {
  const base = config.notion.baseUrl;
  if (['NOTION_TOKEN', 'NOTION_BASE_URL', 'NOTION_VERSION'].some((v) => failed.has(v))) {
    return [
      { status: 'skip', label: 'Notion', detail: 'skipped until the Notion variables above are fixed' },
    ];
  }
  const lines: CheckLine[] = [];
  let reached = false;
  for (const db of Object.keys(SCHEMA_SPEC) as DatabaseKey[]) {
    const id = config.notion.databases[db];
    if (failed.has(variableOf(db))) {
      lines.push({
        status: 'skip',
        label: `${LABEL[db]} database`,
        detail: `skipped: ${variableOf(db)} is invalid`,
      });
      continue;
    }
    if (!id) {
      lines.push({
        status: 'skip',
        label: `${LABEL[db]} database`,
        detail: `not configured (${variableOf(db)} unset)`,
      });
      continue;
    }
    try {
      const schema = await api.schema(id);
      if (!reached) lines.push(reachable(base, config), { status: 'ok', label: 'Notion token accepted' });
      reached = true;
      lines.push(...propertyLines(db, schema));
    } catch (error) {
      if (!reached && (isNotionError(error, 'network_error') || isNotionError(error, 'request_timeout'))) {
        lines.push({
          status: 'fail',
          label: `Notion API reachable at ${base}`,
          detail: errorMessage(error),
          fix: 'check NOTION_BASE_URL (unset it for https://api.notion.com), the network and any proxy',
        });
        return lines;
      }
      if (!reached && isNotionError(error, 'unauthorized')) {
        lines.push(reachable(base, config), {
          status: 'fail',
          label: 'Notion token accepted',
          detail: 'Notion answered 401 unauthorized',
          fix: 'copy the internal integration secret again into NOTION_TOKEN (Notion → Settings → Connections)',
        });
        return lines;
      }
      // A data source of another database is known only from Notion's answer: Notion was reached.
      if (
        !reached &&
        isNotionError(error) &&
        (error.status !== undefined || isConfiguredSourceError(error))
      ) {
        lines.push(reachable(base, config), { status: 'ok', label: 'Notion token accepted' });
        reached = true;
      }
      lines.push(databaseFailure(db, id, error));
    }
  }
  return lines;
}

function reachable(base: string, config: Config): CheckLine {
  return {
    status: 'ok',
    label: `Notion API reachable at ${base}`,
    detail: `Notion-Version ${config.notion.version}`,
  };
}
