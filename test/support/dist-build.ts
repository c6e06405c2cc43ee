/**
 * The commands of `npm run build` as processes to spawn without npm (Cloud Build's emulator image
 * has no npm, only the Node binary of the `node` devDependency): tsc to dist/, then the esbuild
 * bundle that `main` points at, with the flags of package.json's `bundle` script so the two never
 * drift apart.
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

/** tsc with this Node, then esbuild with the `bundle` script's flags. */
export function distBuildSteps(): BuildStep[] {
  const [tool, ...flags] = (pkg().scripts['bundle'] ?? '').trim().split(/\s+/);
  if (tool !== 'esbuild') throw new Error(`package.json's "bundle" script must run esbuild, got "${tool}"`);
  return [
    {
      command: process.execPath,
      args: [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
      label: 'tsc -p tsconfig.build.json',
    },
    { command: join(ROOT, 'node_modules/.bin/esbuild'), args: flags, label: 'npm run bundle' },
  ];
}
