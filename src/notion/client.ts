/** The composition of the Notion access layer: one limiter, one HTTP choke point, every operation on top. */
import type { Dispatcher } from 'undici';
import type { Config } from '../config/index.js';
import type { Logger } from '../log/logger.js';
import { createBlocks } from './blocks.js';
import { configuredSources } from './configured-sources.js';
import { createDatabaseCatalog } from './data-sources.js';
import { createNotionHttp, type HttpMethod, type HttpRequestOptions } from './http.js';
import { createLimiter, type Limiter, type LimiterStats } from './limiter.js';
import { createPages } from './pages.js';
import { createQueries } from './query.js';
import type { RetryPolicy } from './retry.js';
import { createSchemaReader } from './schema-reader.js';
import type { RequestStats } from './stats.js';
import type { NotionApi, NotionBlocks } from './types.js';

export interface CreateNotionApiOptions {
  config: Config['notion'];
  logger: Logger;
  /** The process-wide limiter; one is made from `config.rps` / `config.concurrency` when absent. */
  limiter?: Limiter;
  retry?: Partial<RetryPolicy>;
  /** An undici dispatcher (tests); a keep-alive Agent otherwise. */
  dispatcher?: Dispatcher;
}

/** NotionApi plus what tools and tests need: the data source of a database, raw requests, detailed stats. */
export interface NotionClient extends NotionApi {
  dataSourceId(databaseId: string): Promise<string>;
  /** Any other call, through the same limiter and retry policy. */
  request(method: HttpMethod, path: string, body?: unknown, options?: HttpRequestOptions): Promise<unknown>;
  stats(): RequestStats & { limiter: LimiterStats };
  limiter: Limiter;
  blocks: NotionBlocks;
  /** Closes the keep-alive connections. */
  close(): Promise<void>;
}

/** Builds the Notion client of a process (call once, in the composition root). */
export function createNotionApi(options: CreateNotionApiOptions): NotionClient {
  const { config, logger } = options;
  const limiter = options.limiter ?? createLimiter({ rps: config.rps, concurrency: config.concurrency });
  const http = createNotionHttp({
    baseUrl: config.baseUrl,
    token: config.token,
    version: config.version,
    timeoutMs: config.timeoutMs,
    limiter,
    logger,
    ...(options.retry ? { retry: options.retry } : {}),
    ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
  });
  const catalog = createDatabaseCatalog(http, config.version, configuredSources(config));
  const queries = createQueries(http, catalog, logger);
  const pages = createPages(http, catalog, config.version);
  const schema = createSchemaReader(catalog, config.version);
  return {
    query: queries.query,
    queryAll: queries.queryAll,
    createPage: pages.createPage,
    updatePage: pages.updatePage,
    retrievePage: pages.retrievePage,
    schema: (databaseId, request) => schema(databaseId, request?.priority ?? 'normal'),
    dataSourceId: (databaseId) => catalog.dataSourceId(databaseId),
    request: http.request,
    stats: () => ({ ...http.stats(), limiter: limiter.stats() }),
    limiter,
    blocks: createBlocks(http.request, config.version),
    close: () => http.close(),
  };
}
