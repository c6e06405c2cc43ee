import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/*
 * @notionhq/client is a devDependency: src/ takes its request types and error codes with
 * `import type`, which the compiler erases. A value import would compile, pass every test and
 * then fail in production, where devDependencies are pruned after the build.
 */

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Import and export-from statements naming the SDK that the compiler would keep. */
function valueImports(text: string): string[] {
  const statements = text.match(/^(?:import|export)\b[^;]*?from\s*['"]@notionhq\/client[^'"]*['"]/gms) ?? [];
  const dynamic = text.match(/import\(\s*['"]@notionhq\/client[^'"]*['"]\s*\)/g) ?? [];
  return [...statements.filter((s) => !/^(?:import|export)\s+type\b/.test(s)), ...dynamic];
}

describe('the Notion SDK is used for its types only', () => {
  it('no module under src/ loads @notionhq/client at run time', () => {
    const offenders = sources(SRC).flatMap((file) =>
      valueImports(readFileSync(file, 'utf8')).map((statement) => `${file}: ${statement}`),
    );
    expect(offenders).toEqual([]);
  });

  it('would notice a value import', () => {
    expect(valueImports("import { isFullPage } from '@notionhq/client';")).toHaveLength(1);
    expect(valueImports("import type { APIErrorCode } from '@notionhq/client';")).toEqual([]);
    expect(valueImports("const sdk = await import('@notionhq/client');")).toHaveLength(1);
  });
});
