/**
 * `npm run demo -- --setup-notion`: the demo's workspace made by `setup-notion` in the sandbox's
 * empty page (as a user would), instead of the four databases the sandbox starts with.
 */
import { main as setupNotion } from '../../src/cli/setup-notion.js';
import type { DatabaseKey, NotionSandbox } from '../../test/support/notion-sandbox/index.js';
import { DEMO_NOTION_TOKEN } from './sync-env.js';

/** The sandbox as the demo's report reads it, its `databases` and `dataSources` the ones setup-notion made. */
export async function setupDemoWorkspace(
  sandbox: NotionSandbox,
  say: (line: string) => void,
): Promise<NotionSandbox> {
  let out = '';
  let err = '';
  const env = { NOTION_TOKEN: DEMO_NOTION_TOKEN, NOTION_BASE_URL: sandbox.url };
  const code = await setupNotion(['--parent', sandbox.parentPageId, '--apply'], env, {
    stdout: (s) => {
      out += s;
    },
    stderr: (s) => {
      err += s;
    },
    isTTY: false,
  });
  if (code !== 0) throw new Error(`setup-notion failed (exit ${code}): ${err || out}`);
  const printed = (what: 'DATABASE' | 'DATA_SOURCE') => {
    const ids: Partial<Record<DatabaseKey, string>> = {};
    for (const m of out.matchAll(new RegExp(`^NOTION_([A-Z]+)_${what}_ID=(\\S+)$`, 'gm')))
      ids[(m[1] ?? '').toLowerCase() as DatabaseKey] = m[2] ?? '';
    const { areas, projects, todos, people } = ids;
    if (!areas || !projects || !todos || !people)
      throw new Error(`setup-notion printed no ${what.toLowerCase().replace('_', ' ')} ids:\n${out}`);
    return { areas, projects, todos, people };
  };
  const databases = printed('DATABASE');
  // The demo runs as a deployment configured from setup-notion's output would: data sources too.
  const dataSources = printed('DATA_SOURCE');
  // The report counts the sync's requests only.
  sandbox.reset();
  say(`setup-notion made Areas, People, Projects and Todos in the sandbox page ${sandbox.parentPageId}`);
  return { ...sandbox, databases, dataSources };
}
