/** The workspace setup-notion makes: the contract's properties (notion/schema.ts) plus relation targets and options. */
import { AppError } from '../errors.js';
import { SCHEMA_SPEC } from '../notion/schema.js';
import type { DatabaseKey } from '../notion/types.js';

/** Database titles as setup-notion names them (and looks for under the parent page). */
export const DATABASE_TITLES: Readonly<Record<DatabaseKey, string>> = {
  areas: 'Areas',
  projects: 'Projects',
  todos: 'Todos',
  people: 'People',
};

/** Databases in creation order: a relation's target exists before the database pointing at it. */
export const CREATE_ORDER: readonly DatabaseKey[] = ['areas', 'people', 'projects', 'todos'];

// Relation targets the schema table does not carry. Owner is the per-person relation of a shared
// workspace; it is listed here so the setup wires it as soon as the schema table declares it.
const RELATION_TARGETS: Readonly<Record<DatabaseKey, Readonly<Record<string, DatabaseKey>>>> = {
  areas: {},
  projects: { Area: 'areas' },
  todos: { Project: 'projects', Area: 'areas', Assignee: 'people', Owner: 'people', Parent: 'todos' },
  people: {},
};

const SELECT_OPTIONS: Readonly<Partial<Record<DatabaseKey, Readonly<Record<string, readonly string[]>>>>> = {
  // Todoist priority 4 is P1 (design.md): the options in the order people read them.
  todos: { Priority: ['P1', 'P2', 'P3', 'P4'] },
};

/** One property setup-notion makes. */
export interface WantedProperty {
  name: string;
  type: string;
  required: boolean;
  /** Target database of a relation. */
  relation?: DatabaseKey;
  /** Options of a select. */
  options?: readonly string[];
}

/** A schema table entry setup-notion cannot make (a relation without a known target). */
export class WorkspaceSpecError extends AppError<'workspace_spec_invalid'> {
  constructor(message: string) {
    super('workspace_spec_invalid', message);
  }
}

/** The properties of one database as setup-notion makes them. */
export function wantedProperties(db: DatabaseKey): WantedProperty[] {
  return SCHEMA_SPEC[db].map((spec) => {
    const out: WantedProperty = { name: spec.property, type: spec.type, required: spec.required };
    if (spec.type === 'relation') {
      const target = RELATION_TARGETS[db][spec.property];
      if (!target)
        throw new WorkspaceSpecError(
          `${DATABASE_TITLES[db]}.${spec.property} is a relation without a target database in src/setup/workspace-spec.ts`,
        );
      out.relation = target;
    }
    const options = SELECT_OPTIONS[db]?.[spec.property];
    if (options) out.options = options;
    return out;
  });
}

/** How a property is shown to the user: `Area (relation → Areas)`. */
export function describeProperty(p: WantedProperty): string {
  const detail = p.relation ? `relation → ${DATABASE_TITLES[p.relation]}` : p.type;
  const options = p.options ? ` ${p.options.join('/')}` : '';
  return `${p.name} (${detail}${options})`;
}
