import { describe, expect, it } from 'vitest';
import { ensureArea } from '../../src/handlers/areas.js';
import { silentLogger } from '../../src/log/logger.js';
import { title } from '../../src/notion/properties.js';
import { createSyncContext } from '../../src/runtime.js';
import { createMemoryStore } from '../../src/state/memory.js';
import { fakeWorkspace, IDS, unitConfig } from '../support/unit-context.js';

describe('an Area page made under one spelling', () => {
  it('is adopted by an instance that looks for it under another spelling (a claim taken over, a lost create)', async () => {
    const notion = fakeWorkspace();
    const ctx = createSyncContext(unitConfig(), silentLogger, {
      store: createMemoryStore(),
      notion: notion.api,
    });
    // Another instance created "Work" and died before recording it in its claim.
    const made = await notion.api.createPage(IDS.areas, { Name: title('Work') });

    const pageId = await ensureArea(ctx, ' WORK ');

    expect(pageId).toBe(made.id);
    expect(notion.pages(IDS.areas)).toHaveLength(1);
  });
});
