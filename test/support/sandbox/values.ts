import type { PropertyDef } from './schema.js';

/** A request value Notion would refuse, with the message it would give. */
export class ValidationError extends Error {}

type Json = Record<string, unknown>;

function richItems(value: unknown, where: string): Json[] {
  if (!Array.isArray(value)) throw new ValidationError(`${where} should be an array.`);
  if (value.length > 100)
    throw new ValidationError(`${where}.length should be ≤ \`100\`, instead was \`${value.length}\`.`);
  return value.map((item, i) => {
    const content = (item as { text?: { content?: unknown } })?.text?.content;
    if (typeof content !== 'string')
      throw new ValidationError(`${where}[${i}].text.content should be a string.`);
    if (content.length > 2000) {
      throw new ValidationError(
        `${where}[${i}].text.content.length should be ≤ \`2000\`, instead was \`${content.length}\`.`,
      );
    }
    return {
      type: 'text',
      text: { content, link: null },
      annotations: {
        bold: false,
        italic: false,
        strikethrough: false,
        underline: false,
        code: false,
        color: 'default',
      },
      plain_text: content,
      href: null,
    };
  });
}

function optionFor(def: PropertyDef, value: unknown, where: string) {
  const name = (value as { name?: unknown })?.name;
  if (typeof name !== 'string' || name.length === 0)
    throw new ValidationError(`${where}.name should be a string.`);
  if (name.includes(',')) throw new ValidationError(`${where}.name cannot contain commas.`);
  def.options ??= [];
  let option = def.options.find((o) => o.name === name);
  if (!option) {
    option = { id: `opt${def.options.length}-${name.length}`, name, color: 'default' };
    def.options.push(option);
  }
  return option;
}

/**
 * Converts one request property value to its stored response shape, validating it like Notion.
 * `pageExists` checks relation targets.
 */
export function toStored(def: PropertyDef, value: unknown, pageExists: (id: string) => boolean): Json {
  const where = `body.properties.${def.name}.${def.type}`;
  const v = value as Json;
  if (v === null || typeof v !== 'object' || !(def.type in v)) {
    throw new ValidationError(`${def.name} is expected to be ${def.type}.`);
  }
  const inner = v[def.type];
  const base = { id: def.id, type: def.type };
  switch (def.type) {
    case 'title':
    case 'rich_text':
      return { ...base, [def.type]: richItems(inner, where) };
    case 'checkbox':
      if (typeof inner !== 'boolean') throw new ValidationError(`${where} should be a boolean.`);
      return { ...base, checkbox: inner };
    case 'url':
    case 'email':
      if (inner !== null && typeof inner !== 'string')
        throw new ValidationError(`${where} should be a string or null.`);
      if (typeof inner === 'string' && inner.length > 2000)
        throw new ValidationError(`${where}.length should be ≤ 2000.`);
      return { ...base, [def.type]: inner };
    case 'number':
      if (inner !== null && typeof inner !== 'number')
        throw new ValidationError(`${where} should be a number or null.`);
      return { ...base, number: inner };
    case 'select':
      return { ...base, select: inner === null ? null : optionFor(def, inner, where) };
    case 'multi_select': {
      if (!Array.isArray(inner)) throw new ValidationError(`${where} should be an array.`);
      if (inner.length > 100) throw new ValidationError(`${where}.length should be ≤ \`100\`.`);
      return { ...base, multi_select: inner.map((o, i) => optionFor(def, o, `${where}[${i}]`)) };
    }
    case 'date': {
      if (inner === null) return { ...base, date: null };
      const start = (inner as Json)['start'];
      if (
        typeof start !== 'string' ||
        Number.isNaN(Date.parse(start.length === 10 ? `${start}T00:00:00Z` : start))
      ) {
        throw new ValidationError(`${where}.start should be a valid ISO 8601 date string.`);
      }
      const d = inner as Json;
      return { ...base, date: { start, end: d['end'] ?? null, time_zone: d['time_zone'] ?? null } };
    }
    case 'relation': {
      if (!Array.isArray(inner)) throw new ValidationError(`${where} should be an array.`);
      if (inner.length > 100)
        throw new ValidationError(`${where}.length should be ≤ \`100\`, instead was \`${inner.length}\`.`);
      const ids = inner.map((r, i) => {
        const id = (r as { id?: unknown })?.id;
        if (typeof id !== 'string' || !pageExists(id))
          throw new ValidationError(`${where}[${i}].id is not a page that exists.`);
        return { id: normaliseId(id) };
      });
      return { ...base, relation: ids, has_more: false };
    }
    default:
      throw new ValidationError(`${def.name} of type ${def.type} cannot be written by the sandbox.`);
  }
}

/** An empty value of a property's type, as Notion shows a property never written. */
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

/** UUID with dashes from an id with or without them. */
export function normaliseId(id: string): string {
  const hex = id.replace(/-/g, '').toLowerCase();
  if (!/^[0-9a-f]{32}$/.test(hex)) return id;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function plainText(value: Json | undefined): string {
  const items = (value?.['title'] ?? value?.['rich_text'] ?? []) as Array<{ plain_text: string }>;
  return items.map((i) => i.plain_text).join('');
}
