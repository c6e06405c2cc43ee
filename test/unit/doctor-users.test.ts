import { describe, expect, it } from 'vitest';
import { checkEnvironment } from '../../src/cli/doctor-env.js';
import { MEMORY_SYNC_ENV } from '../support/memory-env.js';

const BASE = MEMORY_SYNC_ENV;

const usersLine = (env: Record<string, string>) =>
  checkEnvironment({ ...BASE, ...env }, ['sync']).lines.find((l) => l.label === 'Todoist users');

describe('doctor shows the Todoist users configured', () => {
  it.each<[string, Record<string, string>, RegExp]>([
    ['nobody named: everyone syncs on the default token', {}, /synced: everyone .*; no per-user tokens/],
    [
      'two people with tokens, one of them synced',
      { TODOIST_API_TOKENS: '111:tok-a,222:tok-b', SYNC_USERS: '222' },
      /synced: 222; own tokens for 111, 222$/,
    ],
    [
      'a synced person without a token of their own',
      { TODOIST_API_TOKENS: '111:tok-a', SYNC_USERS: '111,333' },
      /synced: 111, 333; own tokens for 111; 333 use TODOIST_API_TOKEN/,
    ],
  ])('%s', (_label, env, detail) => {
    expect(usersLine(env)?.detail).toMatch(detail);
  });

  it('never shows a token', () => {
    const lines = checkEnvironment({ ...BASE, TODOIST_API_TOKENS: '111:tok-a' }, ['sync']).lines;
    expect(JSON.stringify(lines)).not.toContain('tok-a');
    expect(lines.find((l) => l.label === 'TODOIST_API_TOKENS')?.detail).toBe('set (hidden)');
  });

  it('a malformed TODOIST_API_TOKENS fails with a fix, and DUE_AS_RANGE is listed', () => {
    const lines = checkEnvironment({ ...BASE, TODOIST_API_TOKENS: 'tok-a', DUE_AS_RANGE: 'true' }, [
      'sync',
    ]).lines;
    expect(lines.find((l) => l.label === 'TODOIST_API_TOKENS')).toMatchObject({ status: 'fail' });
    expect(lines.find((l) => l.label === 'DUE_AS_RANGE')).toMatchObject({ status: 'ok', detail: '= true' });
  });
});
