import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, secretsOf } from '../../src/config/index.js';

const DB = {
  NOTION_AREAS_DATABASE_ID: '11111111-1111-1111-1111-111111111111',
  NOTION_PROJECTS_DATABASE_ID: '22222222222222222222222222222222',
  NOTION_TODOS_DATABASE_ID: '33333333-3333-3333-3333-333333333333',
};
const SYNC = { NOTION_TOKEN: 'ntn_secret', STATE_STORE: 'memory', ...DB };

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const c = loadConfig(SYNC, 'sync');
    expect(c.notion.baseUrl).toBe('https://api.notion.com');
    expect(c.notion.version).toBe('2026-03-11');
    expect(c.notion.rps).toBe(3);
    expect(c.notion.databases.people).toBeUndefined();
    expect(c.todoist.baseUrl).toBe('https://api.todoist.com');
    expect(c.sync.areaLabelPrefix).toBe('area:');
    expect(c.state.store).toBe('memory');
  });

  it.each([
    [
      'NOTION_TOKEN',
      { ...SYNC, NOTION_TOKEN: undefined },
      'sync',
      /NOTION_TOKEN: expected the Notion integration secret, but it is not set/,
    ],
    [
      'NOTION_TODOS_DATABASE_ID',
      { ...SYNC, NOTION_TODOS_DATABASE_ID: '' },
      'sync',
      /NOTION_TODOS_DATABASE_ID: expected a Notion database id/,
    ],
    [
      'NOTION_AREAS_DATABASE_ID',
      { ...SYNC, NOTION_AREAS_DATABASE_ID: 'not-an-id' },
      'sync',
      /NOTION_AREAS_DATABASE_ID: .*got "not-an-id"/,
    ],
    [
      'NOTION_VERSION',
      { ...SYNC, NOTION_VERSION: '2021-08-16' },
      'sync',
      /NOTION_VERSION: expected one of 2026-03-11, 2025-09-03, 2022-06-28/,
    ],
    [
      'NOTION_BASE_URL',
      { ...SYNC, NOTION_BASE_URL: 'ftp://x' },
      'sync',
      /NOTION_BASE_URL: expected an http\(s\) URL/,
    ],
    [
      'STATE_STORE',
      { ...SYNC, STATE_STORE: 'redis' },
      'sync',
      /STATE_STORE: expected one of firestore, memory/,
    ],
    ['NOTION_RPS', { ...SYNC, NOTION_RPS: '0' }, 'sync', /NOTION_RPS: expected a positive number/],
    [
      'CLAIM_LEASE_MS',
      { ...SYNC, CLAIM_LEASE_MS: '1.5' },
      'sync',
      /CLAIM_LEASE_MS: expected a positive integer/,
    ],
    [
      'TODOIST_CLIENT_SECRET',
      { PUBSUB_TOPIC: 't' },
      'webhook',
      /TODOIST_CLIENT_SECRET: expected the Todoist app client secret/,
    ],
    [
      'PUBSUB_TOPIC',
      { TODOIST_CLIENT_SECRET: 's' },
      'webhook',
      /PUBSUB_TOPIC: expected the Pub\/Sub topic id/,
    ],
    ['TODOIST_API_TOKEN', SYNC, 'reconcile', /TODOIST_API_TOKEN: expected a Todoist API token/],
    ['TODOIST_API_TOKEN', SYNC, 'notion-sync', /TODOIST_API_TOKEN: expected a Todoist API token \(two-way/],
    ['NOTION_PUBSUB_TOPIC', {}, 'notion-webhook', /NOTION_PUBSUB_TOPIC: expected the Pub\/Sub topic id/],
    [
      'SYNC_DIRECTION',
      { ...SYNC, SYNC_DIRECTION: 'both' },
      'sync',
      /SYNC_DIRECTION: expected one of todoist-to-notion, two-way/,
    ],
    [
      'NOTION_TRASH_ACTION',
      { ...SYNC, NOTION_TRASH_ACTION: 'archive' },
      'sync',
      /NOTION_TRASH_ACTION: expected one of ignore, complete, delete/,
    ],
    [
      'GOOGLE_CLOUD_PROJECT',
      { ...SYNC, STATE_STORE: 'firestore' },
      'sync',
      /GOOGLE_CLOUD_PROJECT: expected a Google Cloud project id/,
    ],
    [
      'AUDIT_ON_START',
      { ...SYNC, AUDIT_ON_START: 'maybe' },
      'sync',
      /AUDIT_ON_START: expected true or false/,
    ],
  ] as const)('names %s when it is missing or malformed', (variable, env, role, message) => {
    let caught: unknown;
    try {
      loadConfig(env, role);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).variable).toBe(variable);
    expect((caught as ConfigError).message).toMatch(message);
  });

  it('the webhook needs no Notion variables; the sync needs no webhook ones', () => {
    expect(loadConfig({ TODOIST_CLIENT_SECRET: 's', PUBSUB_TOPIC: 'todoist' }, 'webhook').pubsub.topic).toBe(
      'todoist',
    );
    expect(loadConfig(SYNC, 'sync').todoist.clientSecret).toBeUndefined();
  });

  it.each(['2026-03-11', '2025-09-03', '2022-06-28'])('speaks Notion-Version %s', (version) => {
    expect(loadConfig({ ...SYNC, NOTION_VERSION: version }, 'sync').notion.version).toBe(version);
  });

  it('setup-notion needs the Notion token but no database id yet, and no state store', () => {
    const c = loadConfig({ NOTION_TOKEN: 'ntn_secret' }, 'setup');
    expect(c.notion.databases).toEqual({ areas: '', projects: '', todos: '', people: undefined });
    expect(() => loadConfig({}, 'setup')).toThrow(/NOTION_TOKEN/);
    expect(() => loadConfig({ NOTION_TOKEN: 'ntn_secret' }, 'sync')).toThrow(/NOTION_.*_DATABASE_ID/);
  });

  it('reads the opt-in and opt-out filters and the Firestore emulator', () => {
    const c = loadConfig(
      {
        ...SYNC,
        STATE_STORE: 'firestore',
        FIRESTORE_EMULATOR_HOST: '127.0.0.1:8080',
        SYNC_ONLY_LABEL: 'notion',
        SYNC_EXCLUDE_PROJECT_IDS: 'a, b,,c',
      },
      'sync',
    );
    expect(c.sync.onlyLabel).toBe('notion');
    expect(c.sync.excludeProjectIds).toEqual(['a', 'b', 'c']);
    expect(c.state.firestoreEmulatorHost).toBe('127.0.0.1:8080');
  });
});

describe('two-way settings', () => {
  it('one-way is the default; trashing a page in Notion is ignored unless asked', () => {
    const c = loadConfig(SYNC, 'sync');
    expect(c.twoWay).toEqual({
      direction: 'todoist-to-notion',
      webhookSecret: undefined,
      topic: undefined,
      trashAction: 'ignore',
    });
  });

  it('the Notion receiver starts without its secret, so it can answer the verification request', () => {
    const c = loadConfig({ NOTION_PUBSUB_TOPIC: 'notion' }, 'notion-webhook');
    expect(c.twoWay.topic).toBe('notion');
    expect(c.twoWay.webhookSecret).toBeUndefined();
  });

  it('reads two-way, the secret (redacted from logs) and the trash action', () => {
    const env = {
      ...SYNC,
      TODOIST_API_TOKEN: 'tok',
      SYNC_DIRECTION: 'two-way',
      NOTION_WEBHOOK_SECRET: 'secret_abc',
      NOTION_TRASH_ACTION: 'complete',
    };
    const c = loadConfig(env, 'notion-sync');
    expect(c.twoWay.direction).toBe('two-way');
    expect(c.twoWay.trashAction).toBe('complete');
    expect(secretsOf(c)).toContain('secret_abc');
  });
});

describe('lease safety', () => {
  it('refuses a claim lease that a slow create plus the index lag could outlast', () => {
    expect(() =>
      loadConfig(
        { ...SYNC, CLAIM_LEASE_MS: '5000', NOTION_TIMEOUT_MS: '3000', NOTION_INDEX_LAG_MS: '3000' },
        'sync',
      ),
    ).toThrow(/CLAIM_LEASE_MS: expected more than NOTION_TIMEOUT_MS \+ NOTION_INDEX_LAG_MS/);
  });
});
