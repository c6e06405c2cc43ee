/** Small helpers on Notion's response shapes: ids, rich text, empty property values. */
import type { PropertyDef } from './schema.js';

export type Json = Record<string, unknown>;

/** One version of a page: what retrieve shows now, or what a lagging query still sees. */
export interface Snapshot {
  in_trash: boolean;
  created_time: string;
  last_edited_time: string;
  properties: Record<string, Json>;
}

/** A UUID with dashes from an id with or without them; anything else is returned unchanged. */
export function normaliseId(id: string): string {
  const hex = id.replace(/-/g, '').toLowerCase();
  if (!/^[0-9a-f]{32}$/.test(hex)) return id;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** True for a plain JSON object (not null, not an array). */
export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const ANNOTATION_KEYS = ['bold', 'italic', 'strikethrough', 'underline', 'code'] as const;

/** Annotations in response shape: every flag present, request values kept. */
export function annotations(given: unknown): Json {
  const g = isObject(given) ? given : {};
  const out: Json = {};
  for (const k of ANNOTATION_KEYS) out[k] = g[k] === true;
  out['color'] = typeof g['color'] === 'string' ? g['color'] : 'default';
  return out;
}

/** One text rich-text item in response shape. */
export function textItem(content: string, link: string | null = null, given?: unknown): Json {
  return {
    type: 'text',
    text: { content, link: link === null ? null : { url: link } },
    annotations: annotations(given),
    plain_text: content,
    href: link,
  };
}

/** Concatenated plain text of a title / rich_text property value (response shape). */
export function plainText(value: Json | undefined): string {
  const items = value?.['title'] ?? value?.['rich_text'] ?? [];
  if (!Array.isArray(items)) return '';
  return items
    .map((i: unknown) => (isObject(i) && typeof i['plain_text'] === 'string' ? i['plain_text'] : ''))
    .join('');
}

/** A property never written, as Notion shows it. */
export function emptyValue(def: PropertyDef): Json {
  const base = { id: def.id, type: def.type };
  switch (def.type) {
    case 'title':
    case 'rich_text':
    case 'multi_select':
      return { ...base, [def.type]: [] };
    case 'relation':
      return { ...base, relation: [], has_more: false };
    case 'checkbox':
      return { ...base, checkbox: false };
    default:
      return { ...base, [def.type]: null };
  }
}
