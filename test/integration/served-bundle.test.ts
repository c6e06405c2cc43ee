import { readFileSync } from 'node:fs';
import { SourceMap, type SourceMapPayload } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/functions.js';

/**
 * What functions-framework serves is package `main`: the esbuild bundle of dist/ (global setup
 * builds it with scripts/bundle.ts, one build for the entry and one per function, their metafiles
 * merged in meta.json). test/unit/function-module-graph.test.ts checks the source graph; this
 * checks the outputs themselves, read from the metafile, so a bundling change that merged a
 * function's chunk with another's, or cut a function into more files, would fail here.
 */
interface Output {
  entryPoint?: string;
  imports: Array<{ path: string; kind: string; external?: boolean }>;
  inputs: Record<string, unknown>;
}

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  main: string;
  dependencies: Record<string, string>;
};
const BUNDLE = dirname(pkg.main);
const meta = JSON.parse(readFileSync(join(ROOT, BUNDLE, 'meta.json'), 'utf8')) as {
  outputs: Record<string, Output>;
};
const outputs = Object.entries(meta.outputs).filter(([path]) => path.endsWith('.js'));

const outputOf = (entryPoint: string): string => {
  const found = outputs.find(([, o]) => o.entryPoint === entryPoint);
  if (!found) throw new Error(`the bundle has no chunk for ${entryPoint}`);
  return found[0];
};

/** The output that holds the code of input `module` (a function's file re-exports it from its chunk). */
const holding = (module: string): string => {
  const found = outputs.find(([, o]) => module in o.inputs);
  if (!found) throw new Error(`no output holds ${module}`);
  return found[0];
};

const packageOf = (spec: string) =>
  spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : (spec.split('/')[0] ?? spec);

/** The outputs, our modules (relative to src/, `.ts`) and the packages loaded by evaluating `entryPoint`'s output. */
function loadedBy(entryPoint: string): { files: Set<string>; modules: Set<string>; packages: Set<string> } {
  const modules = new Set<string>();
  const packages = new Set<string>();
  const seen = new Set<string>();
  const visit = (path: string): void => {
    if (seen.has(path)) return;
    seen.add(path);
    const output = meta.outputs[path];
    if (!output) throw new Error(`the metafile lists no output ${path}`);
    for (const input of Object.keys(output.inputs))
      modules.add(input.replace(/^dist\//, '').replace(/\.js$/, '.ts'));
    for (const imported of output.imports) {
      // A dynamic import is loaded when its code runs, not with the chunk (as in the source check).
      if (imported.kind !== 'import-statement') continue;
      if (!imported.external) visit(imported.path);
      else if (!imported.path.startsWith('node:')) packages.add(packageOf(imported.path));
    }
  };
  visit(outputOf(entryPoint));
  return { files: seen, modules, packages };
}

const fn = (name: string) => loadedBy(`dist/functions/${name}.js`);
const under = (set: Set<string>, prefix: string) => [...set].filter((m) => m.startsWith(prefix));

describe('the bundle functions-framework serves loads per function only what that function uses', () => {
  it('main is the bundle of the entry, which loads no function until its target asks', () => {
    expect(outputOf('dist/index.js')).toBe(pkg.main);
    const entry = loadedBy('dist/index.js');
    expect(under(entry.modules, 'functions/')).toEqual([]);
    expect([...entry.packages]).toEqual(['@google-cloud/functions-framework']);
    const lazy = meta.outputs[pkg.main]?.imports
      .filter((i) => i.kind === 'dynamic-import')
      .map((i) => i.path);
    for (const name of ['sync', 'reconcile', 'webhook', 'notion-sync', 'notion-webhook'])
      expect(lazy).toContain(outputOf(`dist/functions/${name}-function.js`));
  });

  it("the webhooks' chunks hold neither Firestore nor the Notion layer, nor a client library", () => {
    for (const { modules, packages } of [fn('webhook-function'), fn('notion-webhook-function')]) {
      expect(modules.has('webhook/receiver.ts') || modules.has('webhook/notion-receiver.ts')).toBe(true);
      expect(under(modules, 'notion/')).toEqual([]);
      expect(under(modules, 'state/')).toEqual([]);
      expect([...packages]).toEqual([]);
    }
  });

  it("the sync's and the reconcile's chunks hold neither the Pub/Sub publisher nor a client library", () => {
    for (const { modules, packages } of [
      fn('sync-function'),
      fn('reconcile-function'),
      fn('notion-sync-function'),
    ]) {
      expect(modules.has('notion/client.ts')).toBe(true);
      expect(under(modules, 'webhook/')).toEqual([]);
      expect(modules.has('state/firestore.ts')).toBe(false);
      expect(under(packages, '@google-cloud/')).toEqual([]);
      expect(packages.has('undici')).toBe(false);
    }
    // valibot is bundled (only the functions the payload schemas use), so it is no package import.
    expect([...fn('sync-function').packages].sort()).toEqual([]);
    expect([...fn('reconcile-function').packages].sort()).toEqual(['p-limit']);
  });

  it('imports only runtime dependencies, which the buildpack keeps when it prunes devDependencies', () => {
    const external = outputs.flatMap(([, o]) => o.imports.filter((i) => i.external).map((i) => i.path));
    const packages = new Set(external.filter((p) => !p.startsWith('node:')).map(packageOf));
    expect([...packages].filter((p) => !(p in pkg.dependencies))).toEqual([]);
  });

  it('the entry shares with a function bundle only modules whose errors it never narrows there', () => {
    // Each function is its own esbuild build, so a module both hold is two copies in one process:
    // an error class of the function's copy fails the entry's `instanceof`. The entry narrows only
    // the ConfigError of its own loadConfig, and passes a handler's errors on untouched.
    const entry = loadedBy('dist/index.js').modules;
    for (const name of ['sync', 'reconcile', 'webhook', 'notion-sync', 'notion-webhook']) {
      const shared = [...fn(`${name}-function`).modules].filter((m) => entry.has(m));
      expect(shared.filter((m) => !['errors.ts', 'config/index.ts'].includes(m))).toEqual([]);
    }
  });

  it("a cold process loads three files of ours: the entry, its function, and that function's one shared chunk", () => {
    expect(loadedBy('dist/index.js').files.size).toBe(1);
    for (const name of ['sync', 'reconcile', 'webhook', 'notion-sync', 'notion-webhook']) {
      const { files } = fn(`${name}-function`);
      expect([...files].filter((f) => f !== outputOf(`dist/functions/${name}-function.js`))).toHaveLength(1);
    }
  });
});

describe('the bundle maps back to src/', () => {
  /** Where the generated code holding `needle` in `output` comes from, 1-based, relative to ROOT. */
  const origin = (output: string, needle: string) => {
    const lines = readFileSync(join(ROOT, output), 'utf8').split('\n');
    const line = lines.findIndex((l) => l.includes(needle));
    const map = JSON.parse(readFileSync(join(ROOT, `${output}.map`), 'utf8')) as SourceMapPayload;
    const entry = new SourceMap(map).findEntry(line, lines[line]?.indexOf(needle) ?? 0);
    if (!('originalSource' in entry)) throw new Error(`no mapping for "${needle}" in ${output}`);
    return {
      file: relative(ROOT, resolve(ROOT, dirname(output), entry.originalSource)),
      line: entry.originalLine + 1,
    };
  };
  const lineOf = (file: string, needle: string) =>
    readFileSync(join(ROOT, file), 'utf8')
      .split('\n')
      .findIndex((l) => l.includes(needle)) + 1;

  it('every source of every chunk is a file of src/, or of valibot, the one package bundled', () => {
    for (const [path] of outputs) {
      const map = JSON.parse(readFileSync(join(ROOT, `${path}.map`), 'utf8')) as { sources: string[] };
      for (const source of map.sources)
        expect(relative(ROOT, resolve(ROOT, dirname(path), source))).toMatch(
          /^(src\/.+\.ts|node_modules\/valibot\/dist\/index\.mjs)$/,
        );
    }
  });

  it('a line of the entry and a line of the sync chunk point at their src lines', () => {
    expect(origin(pkg.main, 'configuration error: ')).toEqual({
      file: 'src/functions.ts',
      line: lineOf('src/functions.ts', 'configuration error: '),
    });
    expect(origin(holding('dist/functions/sync-function.js'), 'function createSyncFunction(')).toEqual({
      file: 'src/functions/sync-function.ts',
      line: lineOf('src/functions/sync-function.ts', 'function createSyncFunction('),
    });
  });
});
