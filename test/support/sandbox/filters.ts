import type { PropertyDef } from './schema.js';
import { normaliseId, plainText, ValidationError } from './values.js';

type Json = Record<string, unknown>;

export interface Snapshot {
  in_trash: boolean;
  created_time: string;
  last_edited_time: string;
  properties: Record<string, Json>;
}

/** Evaluates a Notion query filter against one page snapshot, validating it like Notion. */
export function matches(filter: unknown, page: Snapshot, schema: PropertyDef[], depth = 0): boolean {
  if (filter === undefined || filter === null) return true;
  const f = filter as Json;
  if (Array.isArray(f['and']) || Array.isArray(f['or'])) {
    if (depth >= 2)
      throw new ValidationError('body.filter: compound filters can only be nested two levels deep.');
    const parts = (f['and'] ?? f['or']) as unknown[];
    return Array.isArray(f['and'])
      ? parts.every((p) => matches(p, page, schema, depth + 1))
      : parts.some((p) => matches(p, page, schema, depth + 1));
  }
  if (f['timestamp'] === 'created_time' || f['timestamp'] === 'last_edited_time') {
    const stamp = page[f['timestamp'] as 'created_time'];
    const cond = (f[f['timestamp'] as string] ?? {}) as Json;
    if (typeof cond['on_or_after'] === 'string') return stamp >= (cond['on_or_after'] as string);
    if (typeof cond['before'] === 'string') return stamp < (cond['before'] as string);
    return true;
  }
  const name = f['property'];
  const def = schema.find((d) => d.name === name || d.id === name);
  if (typeof name !== 'string' || !def) {
    throw new ValidationError(`Could not find property with name or id: ${String(name)}`);
  }
  const type = ['title', 'rich_text', 'relation', 'checkbox', 'select', 'url', 'email'].find((t) => t in f);
  if (!type) throw new ValidationError(`body.filter: a condition for property ${name} is missing.`);
  const cond = f[type] as Json;
  const value = page.properties[def.name];
  switch (type) {
    case 'title':
    case 'rich_text': {
      const text = plainText(value);
      if ('equals' in cond) return text === cond['equals'];
      if ('does_not_equal' in cond) return text !== cond['does_not_equal'];
      if ('contains' in cond) return text.includes(String(cond['contains']));
      if ('starts_with' in cond) return text.startsWith(String(cond['starts_with']));
      if ('is_empty' in cond) return text === '';
      if ('is_not_empty' in cond) return text !== '';
      break;
    }
    case 'relation': {
      const ids = ((value?.['relation'] as Array<{ id: string }> | undefined) ?? []).map((r) => r.id);
      if ('contains' in cond) return ids.includes(normaliseId(String(cond['contains'])));
      if ('does_not_contain' in cond) return !ids.includes(normaliseId(String(cond['does_not_contain'])));
      if ('is_empty' in cond) return ids.length === 0;
      if ('is_not_empty' in cond) return ids.length > 0;
      break;
    }
    case 'checkbox':
      if ('equals' in cond) return (value?.['checkbox'] ?? false) === cond['equals'];
      break;
    case 'select': {
      const selected = (value?.['select'] as { name?: string } | null | undefined)?.name ?? null;
      if ('equals' in cond) return selected === cond['equals'];
      if ('is_empty' in cond) return selected === null;
      break;
    }
    default: {
      const raw = value?.[type] ?? null;
      if ('equals' in cond) return raw === cond['equals'];
      if ('is_empty' in cond) return raw === null;
    }
  }
  throw new ValidationError(`body.filter.${type}: unsupported condition ${Object.keys(cond).join(', ')}`);
}
