import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/*
 * @notionhq/client is a production dependency only for the notionWebhook receiver, which loads
 * `verifyWebhookSignature` with a dynamic import in one module. Everywhere else src/ takes its
 * request types and error codes with `import type`, which the compiler erases: a value import
 * there would load the SDK in every function's cold start.
 */

/** The one module allowed to load the SDK, and only with a dynamic import. */
const SIGNATURE_MODULE = join('webhook', 'notion-signature.ts');

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

describe('the Notion SDK is used for its types only, but for the webhook signature', () => {
  it('no module under src/ but the signature check loads @notionhq/client at run time', () => {
    const offenders = sources(SRC)
      .filter((file) => !file.endsWith(SIGNATURE_MODULE))
      .flatMap((file) =>
        valueImports(readFileSync(file, 'utf8')).map((statement) => `${file}: ${statement}`),
      );
    expect(offenders).toEqual([]);
  });

  it('the signature check loads it lazily (a dynamic import), and only the notionWebhook path imports that module', () => {
    const text = readFileSync(join(SRC, SIGNATURE_MODULE), 'utf8');
    expect(valueImports(text)).toEqual(["import('@notionhq/client')"]);
    const importers = sources(SRC).filter((file) =>
      /^import (?!type\b)[^;]*notion-signature\.js'/m.test(readFileSync(file, 'utf8')),
    );
    expect(importers.map((f) => f.slice(SRC.length))).toEqual(['functions/notion-webhook-function.ts']);
  });

  it('the SDK is a production dependency, since the deployed receiver loads it', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    expect(pkg.dependencies['@notionhq/client']).toMatch(/^\^5\.(2[3-9]|[3-9]\d)/);
  });

  it('would notice a value import', () => {
    expect(valueImports("import { isFullPage } from '@notionhq/client';")).toHaveLength(1);
    expect(valueImports("import type { APIErrorCode } from '@notionhq/client';")).toEqual([]);
    expect(valueImports("const sdk = await import('@notionhq/client');")).toHaveLength(1);
  });
});
