/**
 * `npm run bundle`: esbuild from tsc's dist/ to dist/bundle/, one build per function and one for
 * the entry that `main` points at.
 *
 * Why not one build with --splitting from the entry: the five functions share modules, so esbuild
 * cut them into about twenty small chunks, and a cold sync imported sixteen files of ours (index.js,
 * three chunks, its function and eleven more) before it listened. Node's ESM loader pays per module (resolve,
 * package scope, link), so each function is built from its own file, and a cold process loads
 * three files of ours: index.js, the function's file, and the one chunk of everything that
 * function loads at start-up (`oneSharedChunk`). What it imports later (comments, start-up audit,
 * Firestore adapter, publisher, the reconcile's Notion scan) stays in chunks of its own. The entry's build leaves the
 * functions' files external and imports the outputs of their builds instead.
 *
 * Code that two builds both hold (errors, configuration) exists twice in a process that loads
 * both: the entry must never narrow a function's error with `instanceof`, and it does not (it
 * narrows only the configuration errors of its own `loadConfig`; served-bundle.test.ts lists
 * what the entry may share).
 *
 * Run with the Node of the `node` devDependency (`node scripts/bundle.ts`, types stripped). The
 * function upload carries this file (.gcloudignore), since the buildpack runs it in `gcp-build`.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BuildOptions, build, type Metafile, type Plugin } from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Where `main` lives: the entry's output, with the functions' outputs under `functions/`. */
export const OUT_DIR = 'dist/bundle';

/** The function modules of src/functions/ that src/functions.ts imports on first use. */
export const FUNCTIONS = [
  'sync-function',
  'reconcile-function',
  'webhook-function',
  'notion-sync-function',
  'notion-webhook-function',
] as const;

/** Packages left to node_modules/: every runtime dependency but valibot, whose used functions are bundled. */
export const EXTERNAL = [
  '@google-cloud/firestore',
  '@google-cloud/functions-framework',
  '@google-cloud/pubsub',
  '@notionhq/client',
  'p-limit',
  'undici',
];

const common: BuildOptions = {
  absWorkingDir: ROOT,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node24',
  external: EXTERNAL,
  keepNames: true,
  sourcemap: true,
  sourcesContent: false,
  metafile: true,
  logLevel: 'warning',
};

/** Where the entry imports function `name` from, relative to the entry's output. */
const functionImport = (name: string) => `./functions/${name}.js`;

/** The entry's lazy imports of a function module become imports of that function's own build. */
const functionsApart: Plugin = {
  name: 'functions-apart',
  setup(b) {
    b.onResolve({ filter: /^\.\/functions\/[\w-]+\.js$/ }, (args) => {
      if (args.kind !== 'dynamic-import') return undefined;
      const name = args.path.slice('./functions/'.length, -'.js'.length);
      if (!(FUNCTIONS as readonly string[]).includes(name))
        return { errors: [{ text: `${args.path} is no function of FUNCTIONS in scripts/bundle.ts` }] };
      return { path: functionImport(name), external: true };
    });
  },
};

/**
 * Every lazy import of a function's build becomes a module that imports the function's file, then
 * re-exports the lazy one: esbuild then finds every module the function loads at once reached by
 * each of its lazy entries as well, and puts them all in one chunk, instead of one chunk per set
 * of entries that share them (five for the sync). The function's file is evaluated first anyway:
 * its code is what imports the lazy ones, from inside functions (a lazy `import()` awaited at a
 * module's top level would wait on its own chunk through this wrapper: keep them in functions).
 * `export *` carries every export: src has no default one. A wrapper's path names its function,
 * so the merged metafile keeps each build's wrapper apart.
 */
const SELF = Symbol('one-shared-chunk');
const oneSharedChunk = (entry: string): Plugin => ({
  name: 'one-shared-chunk',
  setup(b) {
    b.onResolve(
      { filter: /^\.\.?\// },
      async ({ path, kind, importer, resolveDir, namespace, pluginData }) => {
        if (kind !== 'dynamic-import' || namespace !== 'file' || pluginData === SELF) return undefined;
        const resolved = await b.resolve(path, { kind, importer, resolveDir, pluginData: SELF });
        if (resolved.errors.length > 0) return { errors: resolved.errors };
        return { path: `${entry}!${relative(ROOT, resolved.path)}`, namespace: 'lazy' };
      },
    );
    b.onLoad({ filter: /.*/, namespace: 'lazy' }, ({ path }) => ({
      contents: `import './${entry}';\nexport * from './${path.slice(path.indexOf('!') + 1)}';\n`,
      resolveDir: ROOT,
    }));
  },
});

/** The esbuild builds of `npm run bundle`: the entry's first, then one per function. */
export function bundleBuilds(): BuildOptions[] {
  return [
    { ...common, entryPoints: ['dist/index.js'], outdir: OUT_DIR, plugins: [functionsApart] },
    ...FUNCTIONS.map((name) => ({
      ...common,
      entryPoints: [`dist/functions/${name}.js`],
      outdir: `${OUT_DIR}/functions`,
      chunkNames: `${name}/[name]-[hash]`,
      plugins: [oneSharedChunk(`dist/functions/${name}.js`)],
    })),
  ];
}

/**
 * One metafile for dist/bundle/: the builds' outputs side by side, and the entry's imports of the
 * functions named by their outputs, as esbuild names a chunk of its own build.
 */
function mergeMetafiles(metafiles: Metafile[]): Metafile {
  const merged: Metafile = { inputs: {}, outputs: {} };
  for (const m of metafiles) {
    Object.assign(merged.inputs, m.inputs);
    Object.assign(merged.outputs, m.outputs);
  }
  const entry = merged.outputs[`${OUT_DIR}/index.js`];
  for (const [i, imported] of (entry?.imports ?? []).entries()) {
    const name = FUNCTIONS.find((n) => imported.external && imported.path === functionImport(n));
    if (name && entry) entry.imports[i] = { path: `${OUT_DIR}/functions/${name}.js`, kind: imported.kind };
  }
  return merged;
}

/** Cleans dist/bundle/ once (no chunk of an older run stays behind), runs the builds side by side, writes meta.json. */
export async function bundle(): Promise<void> {
  rmSync(join(ROOT, OUT_DIR), { recursive: true, force: true });
  const results = await Promise.all(bundleBuilds().map((options) => build(options)));
  const metafile = mergeMetafiles(results.map((r) => r.metafile ?? { inputs: {}, outputs: {} }));
  writeFileSync(join(ROOT, OUT_DIR, 'meta.json'), `${JSON.stringify(metafile)}\n`);
}

// `import.meta.main` is Node 24.2+; engines allow 24.0, where only the path comparison tells.
if (import.meta.main ?? process.argv[1] === fileURLToPath(import.meta.url)) await bundle();
