/** Writes `NAME=value` lines into a dotenv file: replaces the named lines, keeps every other line. */

/** The new text of an env file: each variable's line replaced in place, or appended. */
export function mergeEnvText(existing: string, values: Readonly<Record<string, string>>): string {
  const lines = existing === '' ? [] : existing.replace(/\n$/, '').split('\n');
  const pending = new Map(Object.entries(values));
  const out = lines.map((line) => {
    const name = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=/.exec(line)?.[1];
    if (name === undefined || !pending.has(name)) return line;
    const value = pending.get(name);
    pending.delete(name);
    return `${name}=${value}`;
  });
  for (const [name, value] of pending) out.push(`${name}=${value}`);
  return `${out.join('\n')}\n`;
}

/**
 * The `NOTION_*_DATABASE_ID` values an env file holds (a previous run's output), quotes removed.
 * A placeholder that is no Notion id is left out: the run replaces it.
 */
export function databaseIdsInEnvText(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m =
      /^\s*(?:export\s+)?(NOTION_(?:AREAS|PROJECTS|TODOS|PEOPLE)_DATABASE_ID)\s*=\s*["']?([^"'\s#]*)["']?/.exec(
        line,
      );
    if (m?.[1] && m[2] && /^[0-9a-f]{32}$/i.test(m[2].replace(/-/g, ''))) out[m[1]] = m[2];
  }
  return out;
}
