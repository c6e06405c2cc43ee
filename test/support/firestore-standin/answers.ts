/** The stand-in's HTTP answers, in the shapes the Firestore emulator sends (recorded from a real run). */

/** A status and a JSON body. */
export interface Answer {
  status: number;
  body: unknown;
}

/** What a document looks like on the wire. */
export interface WireDocument {
  name: string;
  /** Absent when the document has no fields, as the emulator sends it. */
  fields?: Record<string, unknown>;
  createTime: string;
  updateTime: string;
}

/** A JSON object (not an array), as the request bodies' parts are checked. */
export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export const ok = (body: unknown): Answer => ({ status: 200, body });

/** Google's error body: `{ error: { code, message, status } }`, `code` being the HTTP status. */
export function failure(status: number, name: string, message: string): Answer {
  return { status, body: { error: { code: status, message, status: name } } };
}

/** GET of a document that does not exist. */
export const documentNotFound = (name: string): Answer =>
  failure(404, 'NOT_FOUND', `Document (${name}) not found.`);

/** A create (`currentDocument.exists=false`) of a document that exists, named as the emulator names it. */
export function alreadyExists(name: string): Answer {
  const [, project = '', path = ''] =
    /^projects\/([^/]+)\/databases\/[^/]+\/documents(\/.*)$/.exec(name) ?? [];
  return failure(
    409,
    'ALREADY_EXISTS',
    `entity already exists: EntityRef{partitionRef=dev~${project}, path=${path}}`,
  );
}

/**
 * An `updateTime` precondition that does not hold. The emulator answers this for an absent
 * document too (its stored version is then 0), not NOT_FOUND.
 */
export const staleVersion = (storedMicros: number, requiredMicros: number): Answer =>
  failure(
    400,
    'FAILED_PRECONDITION',
    `the stored version (${storedMicros}) does not match the required base version (${requiredMicros})`,
  );

/** A request outside the subset the stand-in speaks: loud, so a new use of the API is noticed. */
export const unsupported = (what: string): Answer =>
  failure(400, 'INVALID_ARGUMENT', `the Firestore stand-in does not serve ${what}`);
