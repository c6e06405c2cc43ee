import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FOLDERS = ['src', 'test', 'scripts', 'bench', 'deploy', '.ci'];
const ROOT_FILES = [
  'package.json',
  'cloudbuild.yaml',
  'vitest.config.ts',
  'tsconfig.json',
  'tsconfig.build.json',
];

/** Every text file a build, a test run or a script reads, as paths relative to the root. */
function projectFiles(): string[] {
  const nested = FOLDERS.flatMap((dir) =>
    readdirSync(path.join(ROOT, dir), { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => path.relative(ROOT, path.join(e.parentPath, e.name))),
  );
  return [...ROOT_FILES, ...nested].filter((f) => !/\.(png|jpe?g|gif|ico|woff2?)$/i.test(f));
}

/** Runs of `..` segments (`../..`, `../x`, `dir/..`) and the folder they climb to from the file. */
function climbs(file: string, text: string): Array<{ token: string; target: string }> {
  const out: Array<{ token: string; target: string }> = [];
  for (const m of text.matchAll(/(?<![\w.])\.\.(?:\/\.\.)*(?![\w.])/g)) {
    out.push({ token: m[0], target: path.resolve(ROOT, path.dirname(file), m[0]) });
  }
  return out;
}

const inside = (target: string) => target === ROOT.replace(/\/$/, '') || target.startsWith(ROOT);

describe('the repository stands alone', () => {
  const files = projectFiles();

  it('finds the files it guards', () => {
    expect(files).toEqual(expect.arrayContaining(['src/index.ts', 'test/fixtures/todoist/item-added.json']));
  });

  it('no file refers to a relative path that climbs above the repository root', () => {
    const escapes = files.flatMap((file) =>
      climbs(file, readFileSync(path.join(ROOT, file), 'utf8'))
        .filter((c) => !inside(c.target))
        .map((c) => `${file}: ${c.token}`),
    );
    expect(escapes).toEqual([]);
  });

  it('no file names the folder beside the repository or an absolute path next to it', () => {
    // Spelled in parts so this file does not match itself.
    const sibling = ['shared', 'fixtures'].join('/');
    const parent = path.dirname(ROOT.replace(/\/$/, ''));
    const named = files.filter((file) => {
      const text = readFileSync(path.join(ROOT, file), 'utf8');
      return text.includes(sibling) || text.includes(`..${'/'}shared`) || text.includes(`${parent}/`);
    });
    expect(named).toEqual([]);
  });

  it('catches a climb out of the root when there is one', () => {
    const file = 'test/unit/example.test.ts';
    const outside = ['..', '..', '..', 'elsewhere', 'x.json'].join('/');
    const targets = climbs(file, `new URL('${outside}', import.meta.url); '../../src/a.js'`);
    expect(targets.map((c) => inside(c.target))).toEqual([false, true]);
  });
});
