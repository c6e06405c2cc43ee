import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The shared Todoist webhook fixtures, beside the repository (`../shared/fixtures/todoist`). */
export const FIXTURE_DIR = path.resolve(import.meta.dirname, '../../../../shared/fixtures/todoist');

/** The secret the fixture signatures were made with. */
export const FIXTURE_SECRET = 'test-client-secret';

function requireDir(): void {
  if (!existsSync(FIXTURE_DIR)) {
    throw new Error(
      `Todoist fixtures not found at ${FIXTURE_DIR}: they live in ../shared/fixtures/todoist beside the repo`,
    );
  }
}

/** Exact bytes of one fixture file. */
export function fixtureBytes(name: string): Buffer {
  requireDir();
  return readFileSync(path.join(FIXTURE_DIR, name));
}

/** Names of every JSON fixture. */
export function fixtureNames(): string[] {
  requireDir();
  return readdirSync(FIXTURE_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort();
}

/** `signatures.txt` as file name → base64 signature. */
export function fixtureSignatures(): Map<string, string> {
  const text = fixtureBytes('signatures.txt').toString('utf8');
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const [file, signature] = line.trim().split(/\s+/);
    if (file && signature) out.set(file, signature);
  }
  return out;
}
