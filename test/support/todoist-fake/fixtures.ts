import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The project's Todoist webhook payloads, one request body per file (`test/fixtures/todoist`). */
export const FIXTURE_DIR = path.resolve(import.meta.dirname, '../../fixtures/todoist');

/** The client secret `signatures.txt` was computed with. */
export const FIXTURE_SECRET = 'test-client-secret';

/** Exact bytes of one fixture file (the signatures cover these bytes, not a re-serialisation). */
export function fixtureBytes(name: string): Buffer {
  return readFileSync(path.join(FIXTURE_DIR, name));
}

/** One fixture as text. */
export function fixtureText(name: string): string {
  return fixtureBytes(name).toString('utf8');
}

/** One fixture parsed, for tests that derive variants from it. */
export function fixtureJson(name: string): Record<string, unknown> & { event_data: Record<string, unknown> } {
  return JSON.parse(fixtureText(name)) as Record<string, unknown> & { event_data: Record<string, unknown> };
}

/** Names of every JSON fixture. */
export function fixtureNames(): string[] {
  return readdirSync(FIXTURE_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort();
}

/** `signatures.txt` as file name → base64 signature. */
export function fixtureSignatures(): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of fixtureText('signatures.txt').split('\n')) {
    const [file, signature] = line.trim().split(/\s+/);
    if (file && signature) out.set(file, signature);
  }
  return out;
}
