/** The default PARA schema of the contract (design.md) and how options change it. */
import { randomUUID } from 'node:crypto';
import type { DatabaseKey, PropertySpec, PropertyType } from './types.js';

export const DATABASE_KEYS: readonly DatabaseKey[] = ['areas', 'projects', 'todos', 'people'];

/** Database titles as Notion shows them. */
export const TITLES: Record<DatabaseKey, string> = {
  areas: 'Areas',
  projects: 'Projects',
  todos: 'Todos',
  people: 'People',
};

/** The contract's property names and types, exact. */
export const DEFAULT_SCHEMA: Readonly<Record<DatabaseKey, readonly PropertySpec[]>> = {
  areas: [{ name: 'Name', type: 'title' }],
  projects: [
    { name: 'Name', type: 'title' },
    { name: 'Todoist ID', type: 'rich_text' },
    { name: 'Area', type: 'relation', relation: 'areas' },
  ],
  todos: [
    { name: 'Name', type: 'title' },
    { name: 'Todoist ID', type: 'rich_text' },
    { name: 'Done', type: 'checkbox' },
    { name: 'Due', type: 'date' },
    { name: 'Priority', type: 'select', options: ['P1', 'P2', 'P3', 'P4'] },
    { name: 'Labels', type: 'multi_select' },
    { name: 'Description', type: 'rich_text' },
    { name: 'Project', type: 'relation', relation: 'projects' },
    { name: 'Area', type: 'relation', relation: 'areas' },
    { name: 'Assignee', type: 'relation', relation: 'people' },
    { name: 'Todoist URL', type: 'url' },
    { name: 'Parent', type: 'relation', relation: 'todos' },
    { name: 'Section', type: 'select' },
    { name: 'Deadline', type: 'date' },
    { name: 'Duration', type: 'number' },
    { name: 'Owner', type: 'relation', relation: 'people' },
  ],
  people: [
    { name: 'Name', type: 'title' },
    { name: 'Email', type: 'email' },
    { name: 'Todoist ID', type: 'rich_text' },
  ],
};

export interface SelectOption {
  id: string;
  name: string;
  color: string;
}

/** A property as stored: Notion gives every property an id; the title's is always `title`. */
export interface PropertyDef {
  id: string;
  name: string;
  type: PropertyType;
  /** Id of the database a relation points to. */
  relation?: string;
  /** A dual relation's twin in the target database (`synced_property_*` in the answers). */
  synced?: { name: string; id: string };
  /** Display format of a number. */
  format?: string;
  options: SelectOption[];
}

const COLORS = ['default', 'gray', 'brown', 'orange', 'yellow', 'green', 'blue', 'purple', 'pink', 'red'];

/** A new select option, coloured in turn like Notion does. */
export function newOption(def: PropertyDef, name: string): SelectOption {
  return { id: randomUUID(), name, color: COLORS[def.options.length % COLORS.length] ?? 'default' };
}

/** The stored properties of one database after `schema` and `omitProperties` are applied. */
export function buildProperties(
  key: DatabaseKey,
  idOf: (key: DatabaseKey) => string,
  schema: Partial<Record<DatabaseKey, PropertySpec[]>> = {},
  omit: Partial<Record<DatabaseKey, string[]>> = {},
): PropertyDef[] {
  const dropped = new Set(omit[key] ?? []);
  const specs = (schema[key] ?? DEFAULT_SCHEMA[key]).filter((s) => !dropped.has(s.name));
  return specs.map((spec, i) => {
    const def: PropertyDef = {
      // Short url-safe ids, unique within a database, like Notion's `%3AUPp`.
      id: spec.type === 'title' ? 'title' : `${key.slice(0, 2)}${i}`,
      name: spec.name,
      type: spec.type,
      options: [],
    };
    if (spec.relation) def.relation = idOf(spec.relation);
    for (const name of spec.options ?? []) def.options.push(newOption(def, name));
    return def;
  });
}
