/** Request property values → stored response shape, validated as Notion does (limits, types, relations). */
import { bodyInvalid, validation } from './errors.js';
import { newOption, type PropertyDef, type SelectOption } from './schema.js';
import { isObject, type Json, normaliseId, textItem } from './values.js';

const MAX_TEXT = 2000;
const MAX_ITEMS = 100;

/** What validation needs from the store; new select options wait in `newOptions` until the write succeeds. */
export interface WriteContext {
  inDatabase(pageId: string, databaseId: string): boolean;
  newOptions: Array<{ def: PropertyDef; option: SelectOption }>;
}

function maxLength(where: string, length: number, max: number): void {
  if (length > max) throw bodyInvalid(`${where}.length`, `should be ≤ \`${max}\`, instead was \`${length}\``);
}

/** A rich-text array of the request (text or equation items) in response shape. */
export function richTextItems(value: unknown, where: string): Json[] {
  if (!Array.isArray(value)) throw bodyInvalid(where, 'should be an array');
  maxLength(where, value.length, MAX_ITEMS);
  return value.map((item: unknown, i) => {
    const at = `${where}[${i}]`;
    if (!isObject(item)) throw bodyInvalid(at, 'should be an object');
    if (isObject(item['equation']) && typeof item['equation']['expression'] === 'string') {
      const expression = item['equation']['expression'];
      maxLength(`${at}.equation.expression`, expression.length, 1000);
      const { text: _text, ...rest } = textItem(expression);
      return { ...rest, type: 'equation', equation: { expression } };
    }
    const text = item['text'];
    if (!isObject(text) || typeof text['content'] !== 'string')
      throw bodyInvalid(`${at}.text.content`, 'should be defined, instead was `undefined`');
    maxLength(`${at}.text.content`, text['content'].length, MAX_TEXT);
    const link =
      isObject(text['link']) && typeof text['link']['url'] === 'string' ? text['link']['url'] : null;
    if (link !== null) maxLength(`${at}.text.link.url`, link.length, MAX_TEXT);
    return textItem(text['content'], link, item['annotations']);
  });
}

function option(def: PropertyDef, value: unknown, where: string, ctx: WriteContext): SelectOption {
  if (!isObject(value)) throw bodyInvalid(where, 'should be an object');
  if (typeof value['id'] === 'string' && value['name'] === undefined) {
    const found = def.options.find((o) => o.id === value['id']);
    if (!found) throw validation(`Could not find select option with id: ${value['id']}.`);
    return found;
  }
  const name = value['name'];
  if (typeof name !== 'string' || name.trim() === '')
    throw bodyInvalid(`${where}.name`, 'should be a string');
  if (name.includes(',')) throw validation(`Select option names cannot contain commas: ${name}.`);
  maxLength(`${where}.name`, name.length, 100);
  const known =
    def.options.find((o) => o.name === name) ??
    ctx.newOptions.find((n) => n.def === def && n.option.name === name)?.option;
  if (known) return known;
  const created = newOption(def, name);
  ctx.newOptions.push({ def, option: created });
  return created;
}

/** `Date.parse` rolls 2026-02-30 over to March; Notion refuses a day the month does not have. */
function isCalendarDay(day: string): boolean {
  const d = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === day;
}

function isoDate(value: unknown, where: string): string {
  const ok =
    typeof value === 'string' &&
    /^\d{4}-\d{2}-\d{2}/.test(value) &&
    !Number.isNaN(Date.parse(value)) &&
    isCalendarDay(value.slice(0, 10));
  if (!ok)
    throw bodyInvalid(
      where,
      `should be a valid ISO 8601 date string, instead was \`${JSON.stringify(value)}\``,
    );
  return value as string;
}

function nullableString(inner: unknown, where: string, max: number): string | null {
  if (inner !== null && typeof inner !== 'string') throw bodyInvalid(where, 'should be a string or `null`');
  if (typeof inner === 'string') maxLength(where, inner.length, max);
  return inner;
}

function relation(def: PropertyDef, inner: unknown, where: string, ctx: WriteContext): Json[] {
  if (!Array.isArray(inner)) throw bodyInvalid(where, 'should be an array');
  maxLength(where, inner.length, MAX_ITEMS);
  const ids: string[] = [];
  inner.forEach((r: unknown, i) => {
    const raw = isObject(r) ? r['id'] : undefined;
    if (typeof raw !== 'string') throw bodyInvalid(`${where}[${i}].id`, 'should be a string');
    const id = normaliseId(raw);
    if (def.relation && !ctx.inDatabase(id, def.relation))
      throw validation(
        `Relation to page ${id} in ${def.name}: that page does not exist in the related database.`,
      );
    if (!ids.includes(id)) ids.push(id);
  });
  return ids.map((id) => ({ id }));
}

/** One request property value as stored (response shape); throws a Notion-worded validation_error. */
export function toStored(def: PropertyDef, value: unknown, ctx: WriteContext): Json {
  if (!isObject(value) || !(def.type in value))
    throw validation(`${def.name} is expected to be ${def.type}.`);
  const where = `body.properties.${def.name}.${def.type}`;
  const inner = value[def.type];
  const base = { id: def.id, type: def.type };
  switch (def.type) {
    case 'title':
    case 'rich_text':
      return { ...base, [def.type]: richTextItems(inner, where) };
    case 'checkbox':
      if (typeof inner !== 'boolean') throw bodyInvalid(where, 'should be a boolean');
      return { ...base, checkbox: inner };
    case 'url':
      return { ...base, url: nullableString(inner, where, MAX_TEXT) };
    case 'email':
    case 'phone_number':
      return { ...base, [def.type]: nullableString(inner, where, 200) };
    case 'number':
      if (inner !== null && (typeof inner !== 'number' || !Number.isFinite(inner)))
        throw bodyInvalid(where, 'should be a number or `null`');
      return { ...base, number: inner };
    case 'select':
      return { ...base, select: inner === null ? null : option(def, inner, where, ctx) };
    case 'multi_select': {
      if (!Array.isArray(inner)) throw bodyInvalid(where, 'should be an array');
      maxLength(where, inner.length, MAX_ITEMS);
      const chosen = inner.map((o: unknown, i) => option(def, o, `${where}[${i}]`, ctx));
      return { ...base, multi_select: chosen.filter((o, i) => chosen.indexOf(o) === i) };
    }
    case 'date': {
      if (inner === null) return { ...base, date: null };
      if (!isObject(inner)) throw bodyInvalid(where, 'should be an object or `null`');
      const start = isoDate(inner['start'], `${where}.start`);
      const end = inner['end'] == null ? null : isoDate(inner['end'], `${where}.end`);
      const zone = inner['time_zone'] == null ? null : inner['time_zone'];
      if (zone !== null && typeof zone !== 'string')
        throw bodyInvalid(`${where}.time_zone`, 'should be a string');
      return { ...base, date: { start, end, time_zone: zone } };
    }
    case 'relation':
      return { ...base, relation: relation(def, inner, where, ctx), has_more: false };
  }
}
