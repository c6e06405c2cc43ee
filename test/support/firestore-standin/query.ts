/**
 * `:runQuery`, the one shape the adapter sends: every document of one collection whose numeric
 * field (`d.<field>`) is at or after a value, streamed as the emulator streams it (one entry per
 * document, the last marked `done`; none found is a single `done` entry).
 */
import { type Answer, isObject, ok, unsupported, type WireDocument } from './answers.js';

/** A numeric wire value (`integerValue` is a string of digits), else undefined. */
function numberOf(value: unknown): number | undefined {
  if (!isObject(value)) return undefined;
  if (typeof value['integerValue'] === 'string') return Number(value['integerValue']);
  if (typeof value['doubleValue'] === 'number') return value['doubleValue'];
  return undefined;
}

/** The value at a dotted field path (`d.writtenAt`) of a document's fields. */
function fieldAt(fields: Record<string, unknown>, path: string): unknown {
  let current: unknown = { mapValue: { fields } };
  for (const part of path.split('.')) {
    const map = isObject(current) && isObject(current['mapValue']) ? current['mapValue'] : undefined;
    const inner = map && isObject(map['fields']) ? map['fields'] : undefined;
    current = inner?.[part];
  }
  return current;
}

interface RangeQuery {
  collection: string;
  fieldPath: string;
  from: number;
}

function parse(body: unknown): RangeQuery | string {
  const q = isObject(body) && isObject(body['structuredQuery']) ? body['structuredQuery'] : undefined;
  const from = Array.isArray(q?.['from']) && q['from'].length === 1 ? q['from'][0] : undefined;
  const collection = isObject(from) && !from['allDescendants'] ? from['collectionId'] : undefined;
  if (typeof collection !== 'string') return 'a query other than over one collection';
  const filter = isObject(q?.['where']) ? q['where']['fieldFilter'] : undefined;
  if (!isObject(filter) || filter['op'] !== 'GREATER_THAN_OR_EQUAL')
    return 'a query other than one GREATER_THAN_OR_EQUAL field filter';
  const field = isObject(filter['field']) ? filter['field']['fieldPath'] : undefined;
  const value = numberOf(filter['value']);
  if (typeof field !== 'string' || value === undefined) return 'a filter on other than a number';
  const extra = Object.keys(q ?? {}).filter((k) => k !== 'from' && k !== 'where');
  if (extra.length > 0) return `a query with ${extra.join(', ')}`;
  return { collection, fieldPath: field, from: value };
}

/** Answers a `:runQuery` under `root` over `documentsOf(<root>/<collection>)`, at `readTime`. */
export function queryCollection(
  root: string,
  body: unknown,
  documentsOf: (collection: string) => WireDocument[],
  readTime: string,
): Answer {
  const query = parse(body);
  if (typeof query === 'string') return unsupported(query);
  // Firestore orders an inequality query by the compared field, then by document name.
  const matches = documentsOf(`${root}/${query.collection}`)
    .map((doc) => ({ doc, at: numberOf(fieldAt(doc.fields ?? {}, query.fieldPath)) }))
    .filter((m): m is { doc: WireDocument; at: number } => m.at !== undefined && m.at >= query.from)
    .sort((a, b) => a.at - b.at || (a.doc.name < b.doc.name ? -1 : 1));
  if (matches.length === 0) return ok([{ readTime, done: true }]);
  return ok(
    matches.map((m, i) => ({
      document: m.doc,
      readTime,
      ...(i === matches.length - 1 ? { done: true } : {}),
    })),
  );
}
