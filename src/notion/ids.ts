/** Notion ids (pages, databases, data sources, users) with or without dashes, in any case, are one id. */
export function sameNotionId(a: string, b: string): boolean {
  return a.replace(/-/g, '').toLowerCase() === b.replace(/-/g, '').toLowerCase();
}
