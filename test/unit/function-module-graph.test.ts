import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The source graph; what is served is its esbuild bundle (scripts/bundle.ts), whose outputs
// test/integration/served-bundle.test.ts holds to the same promises.
const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

/** Modules a file loads when it is evaluated: static imports and re-exports, `import type` excluded. */
function staticImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const pattern = /^(?:import|export)\s+(?!type\b)(?:[^;'"]*?\sfrom\s+)?'([^']+)'/gm;
  return [...text.matchAll(pattern)].map((m) => m[1] ?? '');
}

/** Every module (our files relative to src/, packages by name) loaded by evaluating `entry`. */
function moduleGraph(entry: string): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string): void => {
    const key = file.startsWith(SRC) ? file.slice(SRC.length) : file;
    if (seen.has(key)) return;
    seen.add(key);
    if (!file.startsWith(SRC)) return;
    for (const spec of staticImports(file)) {
      if (spec.startsWith('.')) visit(resolve(dirname(file), spec).replace(/\.js$/, '.ts'));
      else if (!spec.startsWith('node:'))
        seen.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : (spec.split('/')[0] ?? spec));
    }
  };
  visit(resolve(SRC, entry));
  return seen;
}

const loaded = (graph: Set<string>, prefix: string) => [...graph].filter((m) => m.startsWith(prefix));

describe('what each function loads at cold start', () => {
  it('the entry point loads no function of its own, only functions-framework and the configuration', () => {
    const graph = moduleGraph('index.ts');
    expect(loaded(graph, 'functions/')).toEqual([]);
    expect([...graph].filter((m) => !m.endsWith('.ts'))).toEqual(['@google-cloud/functions-framework']);
  });

  it('the webhooks (Todoist and Notion) load neither Firestore nor the Notion layer, nor a client library', () => {
    for (const entry of ['functions/webhook-function.ts', 'functions/notion-webhook-function.ts']) {
      const graph = moduleGraph(entry);
      expect(loaded(graph, 'notion/')).toEqual([]);
      expect(loaded(graph, 'state/')).toEqual([]);
      expect(loaded(graph, '@google-cloud/firestore')).toEqual([]);
      expect(loaded(graph, '@google-cloud/pubsub')).toEqual([]);
    }
  });

  it('the sync and the reconcile load neither the Pub/Sub publisher nor a client library nor undici', () => {
    for (const entry of [
      'functions/sync-function.ts',
      'functions/reconcile-function.ts',
      'functions/notion-sync-function.ts',
    ]) {
      const graph = moduleGraph(entry);
      expect(graph.has('notion/client.ts')).toBe(true);
      expect(loaded(graph, 'webhook/')).toEqual([]);
      expect(loaded(graph, '@google-cloud/')).toEqual([]);
      expect(loaded(graph, 'undici')).toEqual([]);
      expect(graph.has('state/firestore.ts')).toBe(false);
    }
  });

  it('the only packages a cold start loads are the small ones: valibot for payloads, p-limit for the reconcile', () => {
    const packages = (entry: string) => [...moduleGraph(entry)].filter((m) => !m.endsWith('.ts')).sort();
    expect(packages('functions/sync-function.ts')).toEqual(['valibot']);
    expect(packages('functions/reconcile-function.ts')).toEqual(['p-limit', 'valibot']);
    expect(packages('functions/webhook-function.ts')).toEqual([]);
  });

  it('a sync whose first event is a task loads no comment code (it comes with the first comment)', () => {
    const graph = moduleGraph('functions/sync-function.ts');
    expect(graph.has('handlers/todos.ts')).toBe(true);
    expect([...graph].filter((m) => /^(handlers|mapping)\/comment/.test(m))).toEqual([]);
  });

  it('a one-way reconcile loads nothing of the Notion-to-Todoist side (it comes with two-way)', () => {
    const graph = moduleGraph('functions/reconcile-function.ts');
    expect(graph.has('reconcile/engine.ts')).toBe(true);
    expect(['reconcile/notion-scan.ts', 'handlers/notion-edit.ts'].filter((m) => graph.has(m))).toEqual([]);
  });
});
