import { describe, expect, it } from 'vitest';
import type { EntityDoc } from '../../src/exactly-once/entity-state.js';
import { mergeDraft, type TaskDraft } from '../../src/handlers/task-draft.js';

/*
 * How a sparse event merges into the stored state: what it carries wins, what it lacks keeps the
 * stored value, and a stored relation (page ids a cleanup may have merged away) is never copied.
 */

const stored = (desired: Record<string, unknown>, source?: Record<string, unknown>): EntityDoc => ({
  kind: 'todo',
  key: 't1',
  version: 'v1',
  deleted: false,
  desired: JSON.stringify(desired),
  desiredHash: 'h',
  appliedHash: 'h',
  updatedAt: 0,
  ...(source ? { source: JSON.stringify(source) } : {}),
});

const draft = (properties: Record<string, unknown>, kept: string[], source = {}): TaskDraft =>
  ({ properties, kept, source, fingerprint: 'f', cuts: [], emptyTitle: false }) as unknown as TaskDraft;

describe('mergeDraft', () => {
  it('keeps the stored value of each property the event lacks, and takes the rest from the event', () => {
    const before = stored({ Name: { title: 'old' }, Done: { checkbox: true }, Labels: { multi_select: [] } });
    const merged = JSON.parse(
      mergeDraft(before, draft({ Name: { title: 'new' } }, ['Done', 'Labels'])).desired,
    );
    expect(merged).toEqual({
      Name: { title: 'new' },
      Done: { checkbox: true },
      Labels: { multi_select: [] },
    });
  });

  it('never copies a stored relation: a merged Area page id is left out, not written back', () => {
    const before = stored({ Area: { relation: [{ id: 'merged-away' }] }, Labels: { multi_select: [] } });
    const merged = JSON.parse(mergeDraft(before, draft({}, ['Area', 'Labels'])).desired);
    expect(merged).toEqual({ Labels: { multi_select: [] } });
  });

  it('a property nothing knows stays out, unless the event offers a fallback', () => {
    const merged = JSON.parse(
      mergeDraft(null, draft({ Name: { title: 'Untitled task' } }, ['Name', 'Due'])).desired,
    );
    expect(merged).toEqual({ Name: { title: 'Untitled task' } });
  });

  it('merges the stored Todoist fields field by field', () => {
    const before = stored({}, { content: 'old', priority: 3 });
    const { source } = mergeDraft(before, draft({}, [], { content: 'new' }));
    expect(JSON.parse(source)).toEqual({ content: 'new', priority: 3 });
  });
});
