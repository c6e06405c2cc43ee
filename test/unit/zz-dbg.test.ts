import { it } from 'vitest';
import { presentHolders } from '../../src/audit/relinks.js';
import type { NotionApi } from '../../src/notion/types.js';
import { createFakeNotion } from '../support/fake-notion.js';
it('dbg', async () => {
  const fake = createFakeNotion({ 'db-areas': ['Name'], 'db-todos': ['Name', 'Area'] });
  const api: NotionApi = { ...fake.api, async schema(id) { const s = await fake.api.schema(id); console.log(id, JSON.stringify(s)); return { ...s, properties: Object.fromEntries(Object.keys(s.properties).map((n) => [n, { id: n, type: n === 'Name' ? 'title' : 'relation' }])) }; } };
  console.log(await presentHolders({ notion: api, databaseId: (db) => `db-${db}` }, 'area'));
});
