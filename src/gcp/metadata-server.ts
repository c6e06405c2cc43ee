/**
 * The Cloud Run metadata server: the instance's project id and an access token for its service
 * account, the two things a REST call to a Google API needs. Off Google Cloud there is no such
 * server; `metadata_unavailable` says so, and the caller falls back to a maintained client.
 */
import { AppError } from '../errors.js';
import { createNodeFetch, type HttpFetch, type HttpResponse } from '../http/node-fetch.js';

const BASE = 'http://metadata.google.internal/computeMetadata/v1';
/** On Cloud Run the server answers within milliseconds; elsewhere the name does not resolve. */
const TIMEOUT_MS = 2_000;
/** Renew a little before expiry so a token never lapses mid-request. */
const EARLY_MS = 60_000;

export class MetadataError extends AppError<'metadata_unavailable'> {
  constructor(message: string, cause?: unknown) {
    super('metadata_unavailable', message, { cause, transient: true });
  }
}

export function isMetadataError(value: unknown): value is MetadataError {
  return value instanceof MetadataError;
}

/** What the REST publisher asks of the metadata server. */
export interface Credentials {
  projectId(): Promise<string>;
  /** A bearer token, fetched once and renewed before it expires; concurrent callers share one fetch. */
  token(): Promise<string>;
}

/** Credentials from the metadata server, over `fetchImpl` (a node:http transport of its own by default). */
export function metadataCredentials(
  fetchImpl: HttpFetch = createNodeFetch(),
  now: () => number = Date.now,
): Credentials {
  const read = async (path: string): Promise<HttpResponse> => {
    let res: HttpResponse;
    try {
      res = await fetchImpl(`${BASE}/${path}`, {
        headers: { 'metadata-flavor': 'Google' },
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (error) {
      throw new MetadataError(
        `no metadata server: ${error instanceof Error ? error.message : String(error)}`,
        error,
      );
    }
    if (!res.ok) throw new MetadataError(`metadata server answered ${res.status} to ${path}`);
    return res;
  };
  let project: Promise<string> | undefined;
  let current: { value: Promise<string>; until: number } | undefined;
  const renew = async (): Promise<{ token: string; until: number }> => {
    const body = (await (await read('instance/service-accounts/default/token')).json()) as {
      access_token?: unknown;
      expires_in?: unknown;
    };
    if (typeof body.access_token !== 'string')
      throw new MetadataError('metadata server gave no access token');
    const seconds = typeof body.expires_in === 'number' ? body.expires_in : 300;
    return { token: body.access_token, until: now() + seconds * 1000 - EARLY_MS };
  };
  return {
    projectId() {
      project ??= read('project/project-id')
        .then((res) => res.text())
        .catch((error: unknown) => {
          project = undefined;
          throw error;
        });
      return project;
    },
    token() {
      if (!current || now() >= current.until) {
        const next = renew();
        const entry = { value: next.then((t) => t.token), until: Number.POSITIVE_INFINITY };
        next.then(
          (t) => {
            entry.until = t.until;
          },
          () => {
            if (current === entry) current = undefined;
          },
        );
        current = entry;
      }
      return current.value;
    },
  };
}
