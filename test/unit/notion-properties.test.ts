import { describe, expect, it } from 'vitest';
import { and, isEmpty, or, relationContains, textEquals, titleEquals } from '../../src/notion/filters.js';
import {
  checkbox,
  date,
  multiSelect,
  readCheckbox,
  readDate,
  readEmail,
  readMultiSelect,
  readRelationIds,
  readSelect,
  readText,
  readTitle,
  relation,
  richText,
  select,
  title,
  url,
} from '../../src/notion/properties.js';
import type { NotionPage } from '../../src/notion/types.js';

type Items = Array<{ type: string; text: { content: string } }>;

describe('property value builders', () => {
  it('splits a long description into 2000-character text objects that join back to the original', () => {
    const text = 'a'.repeat(4500);
    const items = (richText(text) as { rich_text: Items }).rich_text;
    expect(items.map((i) => i.text.content.length)).toEqual([2000, 2000, 500]);
    expect(items.map((i) => i.text.content).join('')).toBe(text);
  });

  it('never cuts an emoji in half at the 2000 boundary', () => {
    const text = `${'a'.repeat(1999)}😀b`;
    const items = (richText(text) as { rich_text: Items }).rich_text;
    expect(items[0]?.text.content).toBe('a'.repeat(1999));
    expect(items[1]?.text.content).toBe('😀b');
  });

  it('stops at 100 text objects, which is all Notion accepts', () => {
    const items = (richText('x'.repeat(2000 * 120)) as { rich_text: Items }).rich_text;
    expect(items).toHaveLength(100);
  });

  it('writes an empty text as an empty array (clears the property)', () => {
    expect(richText('')).toEqual({ rich_text: [] });
    expect(title('Buy milk')).toEqual({ title: [{ type: 'text', text: { content: 'Buy milk' } }] });
  });

  it('builds the other shapes Notion expects', () => {
    expect(checkbox(true)).toEqual({ checkbox: true });
    expect(date({ start: '2026-09-01' })).toEqual({ date: { start: '2026-09-01' } });
    expect(date({ start: '2026-09-01T09:00:00', timeZone: 'Europe/Paris' })).toEqual({
      date: { start: '2026-09-01T09:00:00', time_zone: 'Europe/Paris' },
    });
    expect(date(null)).toEqual({ date: null });
    expect(select('P1')).toEqual({ select: { name: 'P1' } });
    expect(select(null)).toEqual({ select: null });
    expect(multiSelect(['home', 'errand', 'home'])).toEqual({
      multi_select: [{ name: 'home' }, { name: 'errand' }],
    });
    expect(relation(['a', 'b', 'a'])).toEqual({ relation: [{ id: 'a' }, { id: 'b' }] });
    expect(url(null)).toEqual({ url: null });
  });

  it('refuses more than 100 related pages instead of silently dropping links', () => {
    const ids = Array.from({ length: 101 }, (_, i) => `p${i}`);
    expect(() => relation(ids)).toThrow(/at most 100/);
  });
});

const page: NotionPage = {
  id: 'p1',
  created_time: '2026-01-01T00:00:00.000Z',
  last_edited_time: '2026-01-01T00:00:00.000Z',
  in_trash: false,
  properties: {
    Name: { id: 'title', type: 'title', title: [{ plain_text: 'Buy ' }, { text: { content: 'milk' } }] },
    'Todoist ID': { id: 'a', type: 'rich_text', rich_text: [{ plain_text: '123' }] },
    Done: { id: 'b', type: 'checkbox', checkbox: true },
    Due: { id: 'c', type: 'date', date: { start: '2026-09-01', end: null, time_zone: null } },
    Priority: { id: 'd', type: 'select', select: { name: 'P1' } },
    Labels: { id: 'e', type: 'multi_select', multi_select: [{ name: 'home' }] },
    Area: { id: 'f', type: 'relation', relation: [{ id: 'area-1' }, { id: 'area-2' }], has_more: false },
    Email: { id: 'g', type: 'email', email: 'ann@example.com' },
    Wrong: { id: 'h', type: 'number', number: 3 },
  },
};

describe('property value readers', () => {
  it('read what Notion returns', () => {
    expect(readTitle(page, 'Name')).toBe('Buy milk');
    expect(readText(page, 'Todoist ID')).toBe('123');
    expect(readCheckbox(page, 'Done')).toBe(true);
    expect(readDate(page, 'Due')).toEqual({ start: '2026-09-01', end: null, timeZone: null });
    expect(readSelect(page, 'Priority')).toBe('P1');
    expect(readMultiSelect(page, 'Labels')).toEqual(['home']);
    expect(readRelationIds(page, 'Area')).toEqual(['area-1', 'area-2']);
    expect(readEmail(page, 'Email')).toBe('ann@example.com');
  });

  it('read a missing property or one of another type as empty', () => {
    expect(readTitle(page, 'Nope')).toBe('');
    expect(readText(page, 'Wrong')).toBe('');
    expect(readCheckbox(page, 'Wrong')).toBe(false);
    expect(readDate(page, 'Nope')).toBeNull();
    expect(readSelect(page, 'Nope')).toBeNull();
    expect(readMultiSelect(page, 'Nope')).toEqual([]);
    expect(readRelationIds(page, 'Nope')).toEqual([]);
    expect(readEmail(page, 'Nope')).toBeNull();
  });
});

describe('filters', () => {
  it('build the documented filter shapes', () => {
    expect(titleEquals('Name', 'Home')).toEqual({ property: 'Name', title: { equals: 'Home' } });
    expect(textEquals('Todoist ID', '42')).toEqual({ property: 'Todoist ID', rich_text: { equals: '42' } });
    expect(relationContains('Area', 'p1')).toEqual({ property: 'Area', relation: { contains: 'p1' } });
    expect(isEmpty('Area', 'relation')).toEqual({ property: 'Area', relation: { is_empty: true } });
    expect(isEmpty('Todoist ID', 'rich_text')).toEqual({
      property: 'Todoist ID',
      rich_text: { is_empty: true },
    });
    expect(and(textEquals('a', '1'), isEmpty('b', 'relation'))).toEqual({
      and: [
        { property: 'a', rich_text: { equals: '1' } },
        { property: 'b', relation: { is_empty: true } },
      ],
    });
    expect(or(titleEquals('Name', 'x'))).toEqual({ property: 'Name', title: { equals: 'x' } });
  });
});
