/** Configuration of `todoist-auth`: the Todoist app's credentials and where its OAuth endpoints live. */
import { ConfigError, type Env } from './index.js';

export interface TodoistOAuthConfig {
  clientId: string;
  clientSecret: string;
  /** Origin of the authorization page (the browser opens `/oauth/authorize` there). */
  authBaseUrl: string;
  /** Origin of the token exchange (`/oauth/access_token`) and the API (`/api/v1/user`). */
  apiBaseUrl: string;
  /** Google Cloud project for `gcloud secrets` (`--secret`); gcloud's own default when unset. */
  projectId: string | undefined;
}

function read(env: Env, name: string): string | undefined {
  const v = env[name]?.trim();
  return v === undefined || v === '' ? undefined : v;
}

function origin(env: Env, name: string, fallback: string): string {
  const v = read(env, name) ?? fallback;
  try {
    const u = new URL(v);
    if (u.protocol === 'http:' || u.protocol === 'https:') return v.replace(/\/+$/, '');
  } catch {
    // Reported below.
  }
  throw new ConfigError(name, `an http(s) URL such as ${fallback}`, v);
}

/** Reads and validates what `todoist-auth` needs; a ConfigError names the first bad variable. */
export function loadTodoistOAuthConfig(env: Env = process.env): TodoistOAuthConfig {
  const clientId = read(env, 'TODOIST_CLIENT_ID');
  if (!clientId)
    throw new ConfigError(
      'TODOIST_CLIENT_ID',
      'the Client ID of your Todoist app (App Management Console)',
      env['TODOIST_CLIENT_ID'],
    );
  const clientSecret = read(env, 'TODOIST_CLIENT_SECRET');
  if (!clientSecret)
    throw new ConfigError(
      'TODOIST_CLIENT_SECRET',
      'the Client secret of your Todoist app',
      env['TODOIST_CLIENT_SECRET'],
    );
  return {
    clientId,
    clientSecret,
    authBaseUrl: origin(env, 'TODOIST_AUTH_URL', 'https://app.todoist.com'),
    apiBaseUrl: origin(env, 'TODOIST_BASE_URL', 'https://api.todoist.com'),
    projectId: read(env, 'GOOGLE_CLOUD_PROJECT') ?? read(env, 'GCLOUD_PROJECT'),
  };
}
