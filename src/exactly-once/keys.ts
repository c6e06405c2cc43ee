import { createHash } from 'node:crypto';

/** The entity kinds that get exactly one Notion page each. */
export type EntityKind = 'area' | 'project' | 'todo';

/**
 * Everything with newest-wins state or an ensure-once claim: the page kinds, comment blocks, and
 * Todoist tasks made from Todo pages created in Notion (keyed by the Notion page id).
 */
export type StateKind = EntityKind | 'comment' | 'notion-todo';

/**
 * The identity of an Area name: NFKC, trimmed, inner whitespace collapsed, case-folded.
 * "Home", " home ", "HOME" and "Ｈｏｍｅ" are one Area.
 */
export function normaliseName(name: string): string {
  return name.normalize('NFKC').trim().replace(/\s+/gu, ' ').toLocaleLowerCase('und');
}

/** How an Area name is shown: NFKC, trimmed, whitespace collapsed, case kept. */
export function displayName(name: string): string {
  return name.normalize('NFKC').trim().replace(/\s+/gu, ' ');
}

/**
 * A store document id for (kind, key). Hashed because names may hold `/`, be `..`, or exceed
 * Firestore's 1,500-byte id limit, and `col.doc('a/b/c')` silently writes elsewhere.
 */
export function docId(kind: string, key: string): string {
  return createHash('sha256').update(kind).update('\u0000').update(key).digest('hex');
}

/** sha256 of a string or bytes, hex. */
export function sha256(value: string | Uint8Array): string {
  return createHash('sha256').update(value).digest('hex');
}
