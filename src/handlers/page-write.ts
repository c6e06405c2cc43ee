import { isNotionError, isPageGone, type NotionError } from '../notion/errors.js';
import type { PropertyInput } from '../notion/types.js';
import type { SyncContext } from './context.js';

/*
 * Notion refuses a whole page write when one property value is wrong for it (an impossible date,
 * an option it will not take): the task would never reach Notion over one odd field. When the
 * refusal names one property the page is written again without it, so the page exists and its
 * other properties are right; the property keeps what Notion showed, and a WARNING names it.
 */

/** Properties that identify a page: a write without them could not be found again, so never dropped. */
const IDENTITY: readonly string[] = ['Todoist ID'];

/** The property a validation_error names, among those sent (undefined: not one property's fault). */
export function refusedProperty(error: unknown, sent: readonly string[]): string | undefined {
  if (!isNotionError(error, 'validation_error')) return undefined;
  const message = error.message;
  if (isPageGone(error)) return undefined;
  // Longest first: `Due date` must not be read as `Due`.
  const names = [...sent].filter((n) => !IDENTITY.includes(n)).sort((a, b) => b.length - a.length);
  return names.find(
    (n) =>
      message.includes(`properties.${n}.`) ||
      message.includes(`properties.${n} `) ||
      message.includes(`${n} is expected to be`) ||
      message.includes(` in ${n}:`),
  );
}

/** Runs `write` with `properties`, dropping each property Notion refuses by name until it succeeds. */
export async function writeProperties<T>(
  ctx: Pick<SyncContext, 'logger'>,
  page: { kind: string; key: string },
  properties: Record<string, PropertyInput>,
  write: (properties: Record<string, PropertyInput>) => Promise<T>,
): Promise<T> {
  let current = properties;
  for (;;) {
    try {
      return await write(current);
    } catch (error) {
      const refused = refusedProperty(error, Object.keys(current));
      if (refused === undefined) throw error;
      ctx.logger.warn(`${page.kind} ${page.key}: Notion refused property ${refused}; written without it`, {
        kind: page.kind,
        key: page.key,
        field: refused,
        property: refused,
        value: current[refused],
        reason: (error as NotionError).message,
      });
      const { [refused]: _dropped, ...rest } = current;
      current = rest;
    }
  }
}
