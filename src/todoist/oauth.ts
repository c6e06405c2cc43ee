/** Todoist's OAuth flow: the authorization URL, the code exchange, and the user the token belongs to. */
import { request } from 'undici';
import { AppError } from '../errors.js';

export type OAuthErrorCode =
  | 'state_mismatch'
  | 'authorization_denied'
  | 'code_rejected'
  | 'client_rejected'
  | 'no_redirect'
  | 'exchange_failed'
  | 'user_unreadable';

/** A failed step of the OAuth flow; the message says what to fix. */
export class OAuthError extends AppError<OAuthErrorCode> {}

export function isOAuthError(value: unknown): value is OAuthError {
  return value instanceof OAuthError;
}

/** `https://app.todoist.com/oauth/authorize?client_id&scope&state`. */
export function authorizeUrl(authBaseUrl: string, clientId: string, scope: string, state: string): string {
  const url = new URL(`${authBaseUrl}/oauth/authorize`);
  url.searchParams.set('client_id', clientId);
  url.searchParams.set('scope', scope);
  url.searchParams.set('state', state);
  return url.toString();
}

/**
 * Checks the parameters Todoist redirected with: an `error` (the user declined), then `state`
 * (another attempt's redirect, or a forged one), then `code`. Returns the code.
 */
export function codeFromRedirect(params: URLSearchParams, expectedState: string): string {
  const error = params.get('error');
  if (error)
    throw new OAuthError(
      'authorization_denied',
      error === 'access_denied'
        ? 'the authorization was declined in Todoist; run todoist-auth again and choose Agree'
        : `Todoist answered the authorization with error "${error}"; check the app in the App Management Console and run todoist-auth again`,
    );
  if (params.get('state') !== expectedState)
    throw new OAuthError(
      'state_mismatch',
      'the redirect carries another state than this run sent: it belongs to an older attempt (or was not made by Todoist). Nothing was exchanged; run todoist-auth again and use only the URL it prints',
    );
  const code = params.get('code');
  if (!code)
    throw new OAuthError(
      'code_rejected',
      'the redirect has no code parameter; copy the whole address the browser landed on',
    );
  return code;
}

const CLIENT_ERRORS = new Set(['incorrect_application_credentials', 'invalid_client', 'unauthorized_client']);
const CODE_ERRORS = new Set(['bad_authorization_code', 'invalid_grant', 'invalid_code']);

/** POST /oauth/access_token; Todoist's error names are turned into what to do about them. */
export async function exchangeCode(
  apiBaseUrl: string,
  credentials: { clientId: string; clientSecret: string },
  code: string,
): Promise<string> {
  const form = new URLSearchParams({
    client_id: credentials.clientId,
    client_secret: credentials.clientSecret,
    code,
  });
  let status: number;
  let text: string;
  try {
    const res = await request(`${apiBaseUrl}/oauth/access_token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: form.toString(),
    });
    status = res.statusCode;
    text = await res.body.text();
  } catch (cause) {
    throw new OAuthError('exchange_failed', `could not reach ${apiBaseUrl}: ${String(cause)}`, { cause });
  }
  let body: { access_token?: unknown; error?: unknown } = {};
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    // Reported with the status below.
  }
  if (status === 200 && typeof body.access_token === 'string' && body.access_token !== '')
    return body.access_token;
  const error = typeof body.error === 'string' ? body.error : '';
  if (CLIENT_ERRORS.has(error) || status === 401)
    throw new OAuthError(
      'client_rejected',
      `Todoist refused the app credentials (${error || `HTTP ${status}`}): copy the Client ID and Client secret again from the App Management Console into TODOIST_CLIENT_ID and TODOIST_CLIENT_SECRET`,
    );
  if (CODE_ERRORS.has(error))
    throw new OAuthError(
      'code_rejected',
      `Todoist refused the code (${error}): it is wrong, expired (codes live a few minutes) or already used. Run todoist-auth again and finish within a few minutes`,
    );
  throw new OAuthError(
    'exchange_failed',
    `the token exchange failed: HTTP ${status}${error ? ` ${error}` : ''}; run todoist-auth again`,
  );
}

export interface TodoistUser {
  id: string;
  email: string | undefined;
  fullName: string | undefined;
}

/** GET /api/v1/user with the new token: proves the token works and says whose it is. */
export async function readUser(apiBaseUrl: string, token: string): Promise<TodoistUser> {
  try {
    const res = await request(`${apiBaseUrl}/api/v1/user`, {
      headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
    });
    const text = await res.body.text();
    if (res.statusCode !== 200) throw new Error(`HTTP ${res.statusCode}`);
    const user = JSON.parse(text) as { id?: unknown; email?: unknown; full_name?: unknown };
    if (user.id === undefined || user.id === null) throw new Error('the answer has no user id');
    return {
      id: String(user.id),
      email: typeof user.email === 'string' ? user.email : undefined,
      fullName: typeof user.full_name === 'string' ? user.full_name : undefined,
    };
  } catch (cause) {
    throw new OAuthError(
      'user_unreadable',
      `the token was issued, but reading the user with it failed (${cause instanceof Error ? cause.message : String(cause)})`,
      { cause },
    );
  }
}
