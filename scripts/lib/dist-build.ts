/** Makes sure the build functions-framework serves (dist/ and its bundle) is built from the current src/ and build script. */
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { distBuildSteps, servedEntry } from '../../test/support/dist-build.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

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
    return statSync(servedEntry()).mtimeMs;
  } catch {
    return undefined;
  }
}

/** What the build is made from: src/, the script that bundles it, and package.json (main, scripts). */
function newestInput(): number {
  const files = ['scripts/bundle.ts', 'package.json'].map((f) => statSync(join(ROOT, f)).mtimeMs);
  return Math.max(newestMtime(join(ROOT, 'src')), ...files);
}

/** Runs what `npm run build` does (tsc, then the bundle) when the served entry is missing or older than its inputs; true if it built. */
export function ensureDistBuilt(say: (line: string) => void): boolean {
  const built = builtAt();
  if (built !== undefined && built >= newestInput()) return false;
  say(
    built === undefined
      ? 'dist/ is missing: building it (npm run build)…'
      : 'dist/ is older than src/ or the build script: rebuilding it…',
  );
  for (const step of distBuildSteps()) {
    const result = spawnSync(step.command, step.args, { cwd: ROOT, encoding: 'utf8' });
    if (result.status !== 0)
      throw new Error(
        `building dist/ failed at ${step.label} (exit ${result.status}):\n${result.stdout}${result.stderr}`,
      );
  }
  return true;
}
