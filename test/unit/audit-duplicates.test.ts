import { describe, expect, it } from 'vitest';
import { groupDuplicates, keyPages } from '../../src/audit/duplicates.js';
import { parseAuditKinds } from '../../src/audit/startup-audit.js';
import type { NotionPage } from '../../src/notion/types.js';

const rich = (text: string) => [
  { type: 'text', text: { content: text, link: null }, plain_text: text, href: null },
];

function page(
  id: string,
  created: string,
  props: { name?: string; todoistId?: string; trashed?: boolean },
): NotionPage {
  const properties: NotionPage['properties'] = {
    Name: { id: 'title', type: 'title', title: rich(props.name ?? '') },
  };
  if (props.todoistId !== undefined)
    properties['Todoist ID'] = { id: 'tid', type: 'rich_text', rich_text: rich(props.todoistId) };
  return {
    id,
    created_time: created,
    last_edited_time: created,
    in_trash: props.trashed ?? false,
    properties,
  };
}

describe('grouping duplicate areas', () => {
  const areas = [
    page('a3', '2024-03-01T00:00:00.000Z', { name: 'home ' }),
    page('a1', '2024-01-01T00:00:00.000Z', { name: 'Home' }),
    page('a2', '2024-02-01T00:00:00.000Z', { name: 'HOME' }),
    page('b1', '2024-01-05T00:00:00.000Z', { name: 'Work' }),
    page('c1', '2024-01-05T00:00:00.000Z', { name: 'Garden' }),
    page('c0', '2024-01-06T00:00:00.000Z', { name: 'garden', trashed: true }),
    page('x1', '2024-01-01T00:00:00.000Z', { name: '   ' }),
  ];

  it('names differing only in case or spaces are one group; the oldest page is canonical', () => {
    const groups = groupDuplicates('area', keyPages('area', areas));
    expect(groups).toHaveLength(1);
    const [home] = groups;
    expect(home?.key).toBe('home');
    expect(home?.canonical.id).toBe('a1');
    expect(home?.canonicalBy).toBe('oldest');
    expect(home?.duplicates.map((d) => d.id)).toEqual(['a2', 'a3']);
    expect(home?.pages.map((p) => p.id)).toEqual(['a1', 'a2', 'a3']);
  });

  it('trashed pages and pages without a name are not duplicates', () => {
    const keys = keyPages('area', areas).map((p) => p.id);
    expect(keys).not.toContain('c0');
    expect(keys).not.toContain('x1');
  });

  it('the page the cache points to stays canonical even when it is not the oldest', () => {
    const groups = groupDuplicates('area', keyPages('area', areas), new Map([['home', 'a2']]));
    expect(groups[0]?.canonical.id).toBe('a2');
    expect(groups[0]?.canonicalBy).toBe('cache');
    expect(groups[0]?.duplicates.map((d) => d.id)).toEqual(['a1', 'a3']);
  });

  it('a cache entry pointing outside the group falls back to the oldest', () => {
    const groups = groupDuplicates('area', keyPages('area', areas), new Map([['home', 'gone']]));
    expect(groups[0]?.canonical.id).toBe('a1');
  });

  it('equal created times are broken by page id', () => {
    const same = [
      page('z', '2024-01-01T00:00:00.000Z', { name: 'A' }),
      page('m', '2024-01-01T00:00:00.000Z', { name: 'a' }),
    ];
    expect(groupDuplicates('area', keyPages('area', same))[0]?.canonical.id).toBe('m');
  });
});

describe('grouping duplicate todos and projects', () => {
  it('groups by Todoist ID, not by title', () => {
    const todos = [
      page('t1', '2024-01-01T00:00:00.000Z', { name: 'Buy milk', todoistId: '100' }),
      page('t2', '2024-01-02T00:00:00.000Z', { name: 'Buy milk (edited)', todoistId: '100' }),
      page('t3', '2024-01-02T00:00:00.000Z', { name: 'Buy milk', todoistId: '200' }),
      page('t4', '2024-01-02T00:00:00.000Z', { name: 'No id', todoistId: '' }),
    ];
    const groups = groupDuplicates('todo', keyPages('todo', todos));
    expect(groups.map((g) => [g.key, g.canonical.id, g.duplicates.map((d) => d.id)])).toEqual([
      ['100', 't1', ['t2']],
    ]);
  });
});

describe('AUDIT_KINDS', () => {
  it('accepts plural and singular names, unset means default', () => {
    expect(parseAuditKinds('areas, projects,todo')).toEqual(['area', 'project', 'todo']);
    expect(parseAuditKinds(undefined)).toBeUndefined();
    expect(parseAuditKinds(' ')).toBeUndefined();
  });
  it('rejects an unknown kind by name', () => {
    expect(() => parseAuditKinds('areas,people')).toThrow(/people/);
  });
});
