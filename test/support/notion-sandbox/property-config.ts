/** Property schema objects of database create / update requests → stored property definitions. */
import { bodyInvalid, validation } from './errors.js';
import { newOption, type PropertyDef } from './schema.js';
import type { Database, Store } from './store.js';
import type { PropertyType } from './types.js';
import { isObject, type Json } from './values.js';

const TYPES: readonly PropertyType[] = [
  'title',
  'rich_text',
  'checkbox',
  'date',
  'select',
  'multi_select',
  'relation',
  'url',
  'email',
  'phone_number',
  'number',
];

/** What resolving a relation needs: the store, and whether the request may name a database_id. */
export interface ConfigContext {
  store: Store;
  /** 2022-06-28 relations may name `database_id`; later versions need `data_source_id`. */
  legacy: boolean;
}

/** The type a property schema object declares: `type`, else its one known type key. */
export function declaredType(config: Json, where: string): PropertyType {
  const named = config['type'];
  const keys = TYPES.filter((t) => config[t] !== undefined);
  const type = typeof named === 'string' ? named : keys[0];
  if (typeof named === 'string' && !(TYPES as readonly string[]).includes(named))
    throw validation(`${where}: the sandbox does not support property type \`${named}\`.`);
  if (type === undefined || (keys.length > 1 && typeof named !== 'string'))
    throw bodyInvalid(where, 'should name exactly one property type, such as `rich_text: {}`');
  return type as PropertyType;
}

function options(def: PropertyDef, inner: Json, where: string): void {
  const given = inner['options'];
  if (given === undefined) return;
  if (!Array.isArray(given)) throw bodyInvalid(`${where}.options`, 'should be an array');
  const kept: PropertyDef['options'] = [];
  given.forEach((o: unknown, i) => {
    if (!isObject(o) || typeof o['name'] !== 'string' || o['name'].trim() === '')
      throw bodyInvalid(`${where}.options[${i}].name`, 'should be a non-empty string');
    const name = o['name'];
    if (name.includes(',')) throw validation(`Select option names cannot contain commas: ${name}.`);
    const known = def.options.find((x) => x.name === name) ?? kept.find((x) => x.name === name);
    if (known) {
      if (!kept.includes(known)) kept.push(known);
      return;
    }
    const made = newOption({ ...def, options: [...def.options, ...kept] }, name);
    if (typeof o['color'] === 'string') made.color = o['color'];
    kept.push(made);
  });
  def.options = kept;
}

function relationTarget(inner: Json, where: string, ctx: ConfigContext): Database {
  if (typeof inner['data_source_id'] === 'string')
    return ctx.store.database(inner['data_source_id'], 'data_source');
  if (ctx.legacy && typeof inner['database_id'] === 'string')
    return ctx.store.database(inner['database_id'], 'database');
  throw bodyInvalid(
    `${where}.data_source_id`,
    ctx.legacy
      ? 'or database_id should be defined, instead was `undefined`'
      : 'should be defined, instead was `undefined`',
  );
}

/** A relation's kind: `single_property`, or `dual_property` with the twin's optional name. */
function relationKind(inner: Json, where: string): { dual: false } | { dual: true; name?: string } {
  const kind = inner['type'] ?? (inner['dual_property'] !== undefined ? 'dual_property' : 'single_property');
  if (kind === 'single_property') return { dual: false };
  if (kind !== 'dual_property')
    throw bodyInvalid(`${where}.type`, 'should be `single_property` or `dual_property`');
  const dual = isObject(inner['dual_property']) ? inner['dual_property'] : {};
  const name = dual['synced_property_name'];
  return typeof name === 'string' && name.trim() !== '' ? { dual: true, name } : { dual: true };
}

/**
 * Applies one property schema object to `def` (a new definition or a copy of an existing one):
 * type, select options, number format, relation target. Returns the relation twin to add, if any.
 */
export function applyConfig(
  def: PropertyDef,
  config: Json,
  where: string,
  ctx: ConfigContext,
): { target: Database; name?: string } | undefined {
  const type = declaredType(config, where);
  const inner = config[type] ?? {};
  if (!isObject(inner)) throw bodyInvalid(`${where}.${type}`, 'should be an object');
  if (def.type !== type) {
    def.type = type;
    def.options = [];
    delete def.relation;
    delete def.synced;
  }
  if (type === 'select' || type === 'multi_select') options(def, inner, `${where}.${type}`);
  if (type === 'number' && typeof inner['format'] === 'string') def.format = inner['format'];
  if (type !== 'relation') return undefined;
  const target = relationTarget(inner, `${where}.relation`, ctx);
  def.relation = target.id;
  const kind = relationKind(inner, `${where}.relation`);
  return kind.dual ? { target, ...(kind.name ? { name: kind.name } : {}) } : undefined;
}
