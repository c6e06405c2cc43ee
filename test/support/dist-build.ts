/**
 * The commands of `npm run build` as processes to spawn without npm (Cloud Build's emulator image
 * has no npm, only the Node binary of the `node` devDependency): tsc to dist/, then the script of
 * package.json's `bundle` (esbuild to the bundle that `main` points at), read from package.json so
 * the two never drift apart.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** One process of the build: an executable and its arguments, run from the project root. */
export interface BuildStep {
  command: string;
  args: string[];
  /** How the step reads in an error message. */
  label: string;
}

interface PackageJson {
  main: string;
  scripts: Record<string, string>;
}

const pkg = (): PackageJson => JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as PackageJson;

/** The file functions-framework loads (package `main`), absolute. */
export function servedEntry(): string {
  return join(ROOT, pkg().main);
}

/** tsc with this Node, then the `bundle` script (`node <file>`) with this Node too. */
export function distBuildSteps(): BuildStep[] {
  const [tool, ...args] = (pkg().scripts['bundle'] ?? '').trim().split(/\s+/);
  if (tool !== 'node')
    throw new Error(`package.json's "bundle" script must be "node <script>", got "${tool}"`);
  return [
    {
      command: process.execPath,
      args: [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
      label: 'tsc -p tsconfig.build.json',
    },
    { command: process.execPath, args, label: 'npm run bundle' },
  ];
}
