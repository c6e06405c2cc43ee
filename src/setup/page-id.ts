/** A Notion page id from what a user pastes: the id (with or without dashes) or the page's URL. */

/** The page id as a dashed UUID, or undefined when the text holds none. */
export function parsePageId(text: string): string | undefined {
  let candidate = text.trim();
  try {
    const url = new URL(candidate);
    // https://www.notion.so/Title-Words-<32 hex>?pvs=4 : the id ends the last path segment.
    candidate = url.pathname.split('/').filter(Boolean).pop() ?? '';
  } catch {
    // Not a URL: the id itself.
  }
  const hex = /([0-9a-f]{32})$/i.exec(candidate.replace(/-/g, ''))?.[1]?.toLowerCase();
  if (!hex) return undefined;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
