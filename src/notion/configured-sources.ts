/**
 * Data source ids given in the configuration (`NOTION_*_DATA_SOURCE_ID`): what lets a cold
 * instance skip `GET /v1/databases/{id}`, and the checks that keep a wrong one from being used.
 * A data source id names a table, not a database; pasted from the wrong database it would send
 * look-ups and new pages there, so the first read of it proves it belongs to its database.
 */
import { type Config, DATABASE_KEYS, databaseVariable, dataSourceVariable } from '../config/index.js';
import { NotionError } from './errors.js';
import { sameNotionId } from './ids.js';
import { versionTraits } from './versions.js';
import { plainTitle, type WireContainer } from './wire.js';

/** A configured data source, with the variables that named it and its database (for messages). */
export interface ConfiguredSource {
  databaseId: string;
  dataSourceId: string;
  variable: string;
  databaseVariable: string;
}

/**
 * A configured data source that cannot be used (unknown to Notion, or of another database), naming
 * its variable. Code `schema_invalid`, as a schema to fix: the event is retried until the
 * configuration is, and a 404 here is never mistaken for a page that is gone.
 */
export class ConfiguredSourceError extends NotionError {
  readonly variable: string;
  /** What is wrong, without the advice (the message is this, then what to do). */
  readonly finding: string;
  constructor(source: ConfiguredSource, finding: string, advice: string, cause?: NotionError) {
    super('schema_invalid', `${finding}: ${advice}`, {
      cause,
      status: cause?.status,
      requestId: cause?.requestId,
      apiCode: cause?.apiCode,
    });
    this.variable = source.variable;
    this.finding = finding;
  }
}

export function isConfiguredSourceError(value: unknown): value is ConfiguredSourceError {
  return value instanceof ConfiguredSourceError;
}

/** The configured data sources of a process; none under 2022-06-28, which has no data sources. */
export function configuredSources(
  config: Pick<Config['notion'], 'version' | 'databases' | 'dataSources'>,
): ConfiguredSource[] {
  if (!versionTraits(config.version).dataSources) return [];
  const out: ConfiguredSource[] = [];
  for (const key of DATABASE_KEYS) {
    const databaseId = config.databases[key];
    const dataSourceId = config.dataSources?.[key];
    if (!databaseId || !dataSourceId) continue;
    out.push({
      databaseId,
      dataSourceId,
      variable: dataSourceVariable(key),
      databaseVariable: databaseVariable(key),
    });
  }
  return out;
}

/** Throws ConfiguredSourceError unless `answer` (its `GET /v1/data_sources/{id}`) belongs to the source's database. */
export function checkParent(source: ConfiguredSource, answer: WireContainer): void {
  const parent = answer.parent?.database_id ?? undefined;
  if (parent !== undefined && sameNotionId(parent, source.databaseId)) return;
  const title = plainTitle(answer.title) || '(untitled)';
  const found = parent === undefined ? 'no parent database' : `database ${parent}`;
  throw new ConfiguredSourceError(
    source,
    `${source.variable} (${source.dataSourceId}) is the data source "${title}" of ${found}, not of ` +
      `${source.databaseVariable} (${source.databaseId})`,
    `set ${source.variable} to that database's data source (npm run setup-notion prints it), or unset ${source.variable}`,
  );
}

/** A 404 on a configured data source, its message naming the variable to fix. */
export function notFoundNaming(source: ConfiguredSource, error: NotionError): ConfiguredSourceError {
  return new ConfiguredSourceError(
    source,
    `${source.variable} (${source.dataSourceId}): no such data source is shared with the integration (${error.message})`,
    'a database id is not a data source id: copy it in Notion (database settings → Manage data sources → ' +
      `Copy data source ID), let npm run setup-notion print it, or unset ${source.variable}`,
    error,
  );
}
