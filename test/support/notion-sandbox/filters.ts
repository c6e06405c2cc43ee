/** Query filters compiled once (so a bad filter fails even on an empty database), then run per snapshot. */
import { bodyInvalid, validation } from './errors.js';
import type { PropertyDef } from './schema.js';
import { isObject, type Json, normaliseId, plainText, type Snapshot } from './values.js';

type Arg = 'string' | 'number' | 'boolean' | 'true' | 'date';
type Op<V> = [Arg, (value: V, arg: string | number | boolean) => boolean];
type Ops<V> = Record<string, Op<V>>;
/** A compiled filter. */
export type Predicate = (page: Snapshot) => boolean;

const lower = (a: string | number | boolean) => String(a).toLowerCase();
// equals is exact like Notion; the substring operators ignore case like Notion's search does.
const TEXT: Ops<string> = {
  equals: ['string', (v, a) => v === a],
  does_not_equal: ['string', (v, a) => v !== a],
  contains: ['string', (v, a) => v.toLowerCase().includes(lower(a))],
  does_not_contain: ['string', (v, a) => !v.toLowerCase().includes(lower(a))],
  starts_with: ['string', (v, a) => v.toLowerCase().startsWith(lower(a))],
  ends_with: ['string', (v, a) => v.toLowerCase().endsWith(lower(a))],
  is_empty: ['true', (v) => v === ''],
  is_not_empty: ['true', (v) => v !== ''],
};
const LIST: Ops<string[]> = {
  contains: ['string', (v, a) => v.includes(String(a))],
  does_not_contain: ['string', (v, a) => !v.includes(String(a))],
  is_empty: ['true', (v) => v.length === 0],
  is_not_empty: ['true', (v) => v.length > 0],
};
const SELECT: Ops<string | null> = {
  equals: ['string', (v, a) => v === a],
  does_not_equal: ['string', (v, a) => v !== a],
  is_empty: ['true', (v) => v === null],
  is_not_empty: ['true', (v) => v !== null],
};
const CHECKBOX: Ops<boolean> = {
  equals: ['boolean', (v, a) => v === a],
  does_not_equal: ['boolean', (v, a) => v !== a],
};
const NUMBER: Ops<number | null> = {
  equals: ['number', (v, a) => v === a],
  does_not_equal: ['number', (v, a) => v !== a],
  greater_than: ['number', (v, a) => v !== null && v > Number(a)],
  less_than: ['number', (v, a) => v !== null && v < Number(a)],
  greater_than_or_equal_to: ['number', (v, a) => v !== null && v >= Number(a)],
  less_than_or_equal_to: ['number', (v, a) => v !== null && v <= Number(a)],
  is_empty: ['true', (v) => v === null],
  is_not_empty: ['true', (v) => v !== null],
};
const ms = (d: string) => Date.parse(d.length === 10 ? `${d}T00:00:00Z` : d);
const cmp = (v: string | null, a: string | number | boolean, test: (d: number) => boolean) =>
  v !== null && test(ms(v) - ms(String(a)));
const DATE: Ops<string | null> = {
  equals: [
    'date',
    (v, a) => v !== null && (String(a).length === 10 ? v.slice(0, 10) === a : ms(v) === ms(String(a))),
  ],
  before: ['date', (v, a) => cmp(v, a, (d) => d < 0)],
  after: ['date', (v, a) => cmp(v, a, (d) => d > 0)],
  on_or_before: ['date', (v, a) => cmp(v, a, (d) => d <= 0)],
  on_or_after: ['date', (v, a) => cmp(v, a, (d) => d >= 0)],
  is_empty: ['true', (v) => v === null],
  is_not_empty: ['true', (v) => v !== null],
};

function argOk(kind: Arg, a: unknown): a is string | number | boolean {
  if (kind === 'true') return a === true;
  if (kind === 'date') return typeof a === 'string' && !Number.isNaN(ms(a));
  return typeof a === kind;
}

function operator<V>(
  ops: Ops<V>,
  cond: unknown,
  where: string,
  read: (p: Snapshot) => V,
  mapArg: (a: unknown) => unknown = (a) => a,
): Predicate {
  if (!isObject(cond)) throw bodyInvalid(where, 'should be an object');
  const keys = Object.keys(cond);
  const name = keys[0];
  const op = name === undefined ? undefined : ops[name];
  if (keys.length !== 1 || !name || !op)
    throw bodyInvalid(where, `should have exactly one of ${Object.keys(ops).join(', ')}`);
  const [kind, test] = op;
  const arg = mapArg(cond[name]);
  if (!argOk(kind, arg))
    throw bodyInvalid(`${where}.${name}`, `should be ${kind === 'true' ? '`true`' : `a ${kind}`}`);
  return (p) => test(read(p), arg);
}

const normaliseArg = (a: unknown) => (typeof a === 'string' ? normaliseId(a) : a);
const prop = (p: Snapshot, def: PropertyDef): Json | undefined => p.properties[def.name];
const raw = (p: Snapshot, def: PropertyDef): unknown => prop(p, def)?.[def.type] ?? null;
const names = (v: unknown): string[] =>
  Array.isArray(v) ? v.map((o: { name?: string; id?: string }) => o.name ?? o.id ?? '') : [];

function propertyFilter(f: Json, schema: PropertyDef[], where: string): Predicate {
  const name = f['property'];
  const def = schema.find((d) => d.name === name || d.id === name);
  if (typeof name !== 'string' || !def)
    throw validation(`Could not find property with name or id: ${String(name)}`);
  const type = def.type;
  if (!(type in f)) {
    const given = Object.keys(f).filter((k) => k !== 'property' && k !== 'type');
    throw validation(
      `body failed validation: ${where} filter for "${name}" should use its type ${type}, not ${given.join(', ') || 'nothing'}.`,
    );
  }
  const at = `${where}.${type}`;
  const cond = f[type];
  switch (type) {
    case 'title':
    case 'rich_text':
      return operator(TEXT, cond, at, (p) => plainText(prop(p, def)));
    case 'url':
    case 'email':
    case 'phone_number':
      return operator(TEXT, cond, at, (p) => String(raw(p, def) ?? ''));
    case 'checkbox':
      return operator(CHECKBOX, cond, at, (p) => raw(p, def) === true);
    case 'number':
      return operator(NUMBER, cond, at, (p) => raw(p, def) as number | null);
    case 'select':
      return operator(SELECT, cond, at, (p) => (raw(p, def) as { name: string } | null)?.name ?? null);
    case 'multi_select':
      return operator(LIST, cond, at, (p) => names(raw(p, def)));
    case 'relation':
      return operator(
        LIST,
        cond,
        at,
        (p) => ((raw(p, def) as Array<{ id: string }> | null) ?? []).map((r) => r.id),
        normaliseArg,
      );
    case 'date':
      return operator(DATE, cond, at, (p) => (raw(p, def) as { start: string } | null)?.start ?? null);
  }
}

function compile(f: unknown, schema: PropertyDef[], depth: number, where: string): Predicate {
  if (!isObject(f)) throw bodyInvalid(where, 'should be an object');
  for (const op of ['and', 'or'] as const) {
    if (!(op in f)) continue;
    const parts = f[op];
    if (!Array.isArray(parts)) throw bodyInvalid(`${where}.${op}`, 'should be an array');
    if (depth >= 2)
      throw validation(
        'Filters can only be nested two levels deep (compound filter inside a compound filter).',
      );
    const preds = parts.map((p: unknown, i) => compile(p, schema, depth + 1, `${where}.${op}[${i}]`));
    return op === 'and' ? (p) => preds.every((t) => t(p)) : (p) => preds.some((t) => t(p));
  }
  const stamp = f['timestamp'];
  if (stamp !== undefined) {
    if (stamp !== 'created_time' && stamp !== 'last_edited_time')
      throw bodyInvalid(`${where}.timestamp`, 'should be `created_time` or `last_edited_time`');
    return operator(DATE, f[stamp], `${where}.${stamp}`, (p) => p[stamp]);
  }
  return propertyFilter(f, schema, where);
}

/** Validates `filter` against the schema like Notion (unknown property, wrong type, nesting) and compiles it. */
export function compileFilter(filter: unknown, schema: PropertyDef[]): Predicate {
  if (filter === undefined || filter === null) return () => true;
  return compile(filter, schema, 0, 'body.filter');
}
