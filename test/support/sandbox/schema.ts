/** The default PARA schema of the contract: Areas, Projects, Todos, People. */

export type DbKey = 'areas' | 'projects' | 'todos' | 'people';

export interface PropertyDef {
  id: string;
  name: string;
  type: string;
  /** relation target database key, select options. */
  relation?: DbKey;
  options?: Array<{ id: string; name: string; color: string }>;
}

const opt = (names: string[]) => names.map((name, i) => ({ id: `opt${i}`, name, color: 'default' }));

export function defaultSchema(): Record<DbKey, PropertyDef[]> {
  let n = 0;
  const p = (name: string, type: string, extra: Partial<PropertyDef> = {}): PropertyDef => ({
    id: type === 'title' ? 'title' : `p${++n}`,
    name,
    type,
    ...extra,
  });
  return {
    areas: [p('Name', 'title')],
    projects: [
      p('Name', 'title'),
      p('Todoist ID', 'rich_text'),
      p('Area', 'relation', { relation: 'areas' }),
    ],
    todos: [
      p('Name', 'title'),
      p('Todoist ID', 'rich_text'),
      p('Done', 'checkbox'),
      p('Due', 'date'),
      p('Priority', 'select', { options: opt(['P1', 'P2', 'P3', 'P4']) }),
      p('Labels', 'multi_select', { options: [] }),
      p('Description', 'rich_text'),
      p('Project', 'relation', { relation: 'projects' }),
      p('Area', 'relation', { relation: 'areas' }),
      p('Assignee', 'relation', { relation: 'people' }),
      p('Todoist URL', 'url'),
      p('Parent', 'relation', { relation: 'todos' }),
      p('Section', 'select', { options: [] }),
    ],
    people: [p('Name', 'title'), p('Email', 'email'), p('Todoist ID', 'rich_text')],
  };
}

export const TITLES: Record<DbKey, string> = {
  areas: 'Areas',
  projects: 'Projects',
  todos: 'Todos',
  people: 'People',
};
