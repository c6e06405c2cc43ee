/** The Notion shapes and operations the rest of the product uses; implemented in this folder. */
import type { BlockObjectRequest, CreatePageParameters } from '@notionhq/client';

export type DatabaseKey = 'areas' | 'projects' | 'todos' | 'people';

/** A property value as Notion returns it (loosely typed: read with the helpers in `properties.ts`). */
export type PropertyValue = { id?: string; type: string } & Record<string, unknown>;

/** A property value as we write it: the SDK's request shape (e.g. `{ checkbox: true }`), checked at compile time. */
export type PropertyInput = NonNullable<CreatePageParameters['properties']>[string];

/** A date as we write it (`start`, optional `end` and `time_zone`). */
export type DateInput = NonNullable<Extract<PropertyInput, { date: unknown }>['date']>;

export interface NotionPage {
  id: string;
  created_time: string;
  last_edited_time: string;
  in_trash: boolean;
  archived?: boolean;
  url?: string;
  properties: Record<string, PropertyValue>;
}

/** `type` of each property of a database, by property name. */
export interface DatabaseSchema {
  databaseId: string;
  title: string;
  properties: Record<string, { id: string; type: string }>;
}

export type Filter =
  | { property: string; title: { equals: string } | { contains: string } }
  | { property: string; rich_text: { equals: string } | { is_empty: true } }
  | { property: string; relation: { contains: string } | { is_empty: true } }
  | { property: string; select: { equals: string } }
  | { and: Filter[] }
  | { or: Filter[] };

export interface QueryOptions {
  filter?: Filter;
  pageSize?: number;
  startCursor?: string;
  sorts?: Array<{ timestamp: 'created_time' | 'last_edited_time'; direction: 'ascending' | 'descending' }>;
}

export interface QueryPage {
  results: NotionPage[];
  hasMore: boolean;
  nextCursor: string | null;
}

export type Priority = 'normal' | 'low';

export interface RequestOptions {
  /** Background work (the start-up audit) yields to event handling in the shared limiter. */
  priority?: Priority;
  /**
   * Runs when the limiter lets the request leave, each time it does (a 429 retry leaves again);
   * throwing keeps the request from being sent and fails the call with that error.
   */
  beforeSend?: () => void;
}

/** A block of page content as Notion returns it (loosely typed: `type` names the key holding its content). */
export interface NotionBlock {
  id: string;
  type: string;
  in_trash: boolean;
  /** The rich text of text blocks (paragraph, heading, ...); empty for others. */
  richText: Array<{
    plain_text?: string;
    text?: { content: string; link?: { url: string } | null } | undefined;
    href?: string | null;
  }>;
}

/** A block to write: a paragraph as the SDK types its request (the comment mirror writes nothing else). */
export type BlockInput = Extract<BlockObjectRequest, { paragraph: unknown }> & { type: 'paragraph' };

/** A rich text item as we write it (text, mention or equation, as the SDK types the request). */
export type RichTextInput = BlockInput['paragraph']['rich_text'][number];

/** Page content: the block calls the comment mirror makes (append, list, update, trash). */
export interface NotionBlocks {
  /**
   * Appends blocks at the end, or right after the child block `after`; never retried on an
   * unclear failure (the answer may be lost: `outcome_unknown`).
   */
  append(
    parentId: string,
    children: BlockInput[],
    request?: RequestOptions & { after?: string | undefined },
  ): Promise<NotionBlock[]>;
  /** The live children of a page or block, every page of them. */
  children(parentId: string, request?: RequestOptions): AsyncIterable<NotionBlock>;
  /** Replaces the content of a block (same type). */
  update(blockId: string, block: BlockInput, request?: RequestOptions): Promise<NotionBlock>;
  /** Moves a block to the trash. */
  remove(blockId: string, request?: RequestOptions): Promise<void>;
}

/** Every Notion call the product makes, all through one limiter and one retry policy. */
export interface NotionApi {
  query(databaseId: string, options?: QueryOptions, request?: RequestOptions): Promise<QueryPage>;
  /** Iterates every page of a query result (`start_cursor` / `has_more`). */
  queryAll(databaseId: string, options?: QueryOptions, request?: RequestOptions): AsyncIterable<NotionPage>;
  createPage(
    databaseId: string,
    properties: Record<string, PropertyInput>,
    request?: RequestOptions,
  ): Promise<NotionPage>;
  updatePage(
    pageId: string,
    patch: { properties?: Record<string, PropertyInput>; inTrash?: boolean },
    request?: RequestOptions,
  ): Promise<NotionPage>;
  retrievePage(pageId: string, request?: RequestOptions): Promise<NotionPage>;
  /** Properties of a database (read once per process and cached). */
  schema(databaseId: string, request?: RequestOptions): Promise<DatabaseSchema>;
  /** Requests sent so far, by route (`POST /v1/pages`, ...), for benchmarks and logs. */
  stats(): { total: number; byRoute: Record<string, number> };
  /** Page content; absent on clients that cannot edit blocks (a dry run's read-only wrapper). */
  blocks?: NotionBlocks;
}
