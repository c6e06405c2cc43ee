import type * as v from 'valibot';

/** Where an issue happened, as `a.b.0.c` (empty at the root). */
export function issuePath(issue: v.BaseIssue<unknown>): string {
  return (issue.path ?? []).map((item) => String(item.key)).join('.');
}

/**
 * The first issues of a failed parse, each prefixed by where it happened, e.g.
 * `event_data.priority: Invalid value: Expected <=4 but received 7`. `prefix` names the parsed
 * value's own place; `root` is said when an issue has no place at all (nothing when empty).
 */
export function describeIssues(
  issues: readonly v.BaseIssue<unknown>[],
  { prefix = '', root = '(root)', max = 5 }: { prefix?: string; root?: string; max?: number } = {},
): string {
  return issues
    .slice(0, max)
    .map((issue) => {
      const where = [prefix, issuePath(issue)].filter(Boolean).join('.') || root;
      return where ? `${where}: ${issue.message}` : issue.message;
    })
    .join('; ');
}
