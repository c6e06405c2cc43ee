/** Makes sure dist/ (what functions-framework serves) is built from the current src/. */
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function builtAt(): number | undefined {
  try {
    return statSync(join(ROOT, 'dist/index.js')).mtimeMs;
  } catch {
    return undefined;
  }
}

/** Runs `tsc -p tsconfig.build.json` (what `npm run build` does) when dist/ is missing or older than src/; true if it built. */
export function ensureDistBuilt(say: (line: string) => void): boolean {
  const built = builtAt();
  if (built !== undefined && built >= newestMtime(join(ROOT, 'src'))) return false;
  say(
    built === undefined
      ? 'dist/ is missing: building it (npm run build)…'
      : 'dist/ is older than src/: rebuilding it…',
  );
  const result = spawnSync(process.execPath, [TSC, '-p', 'tsconfig.build.json'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (result.status !== 0)
    throw new Error(`building dist/ failed (exit ${result.status}):\n${result.stdout}${result.stderr}`);
  return true;
}
