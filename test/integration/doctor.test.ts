import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/doctor.js';
import type { CliIo } from '../../src/cli/io.js';
import { NotionError } from '../../src/notion/errors.js';
import type { NotionApi } from '../../src/notion/types.js';
import { ROOT } from '../support/functions.js';
import { type NotionSandbox, startNotionSandbox } from '../support/notion-sandbox/index.js';
import { createTopic } from '../support/pubsub-rest.js';

function captureIo() {
  let out = '';
  let err = '';
  const io: CliIo = {
    stdout: (s) => {
      out += s;
    },
    stderr: (s) => {
      err += s;
    },
    isTTY: false,
  };
  return { io, out: () => out, err: () => err };
}

const DOCTOR = fileURLToPath(new URL('../../src/cli/doctor.ts', import.meta.url));
const TSX = fileURLToPath(new URL('../../node_modules/tsx/dist/loader.mjs', import.meta.url));

/** Runs the doctor as `npm run doctor` would, in its own process and environment. */
function spawnDoctor(
  env: Record<string, string>,
  args: string[] = [],
): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', TSX, DOCTOR, ...args], {
      cwd: ROOT,
      env: { PATH: process.env['PATH'] ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    child.on('exit', (code) => resolve({ code, stdout }));
  });
}

const PROJECT = process.env['GOOGLE_CLOUD_PROJECT'] ?? 'demo-nts';
const PUBSUB = process.env['PUBSUB_EMULATOR_HOST'] ?? '';

describe('doctor', () => {
  let sandbox: NotionSandbox;
  let env: Record<string, string>;
  const topic = `doctor-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    sandbox = await startNotionSandbox({});
    await createTopic(PUBSUB, PROJECT, topic);
    env = {
      NOTION_TOKEN: 'secret-token-for-tests',
      NOTION_BASE_URL: sandbox.url,
      NOTION_AREAS_DATABASE_ID: sandbox.databases.areas,
      NOTION_PROJECTS_DATABASE_ID: sandbox.databases.projects,
      NOTION_TODOS_DATABASE_ID: sandbox.databases.todos,
      NOTION_PEOPLE_DATABASE_ID: sandbox.databases.people,
      TODOIST_CLIENT_SECRET: 'client-secret-for-tests',
      PUBSUB_TOPIC: topic,
      STATE_STORE: 'firestore',
      FIRESTORE_EMULATOR_HOST: process.env['FIRESTORE_EMULATOR_HOST'] ?? '',
      PUBSUB_EMULATOR_HOST: PUBSUB,
      GOOGLE_CLOUD_PROJECT: PROJECT,
    };
  });
  afterAll(async () => {
    await sandbox.close();
  });

  it('passes every check on a complete setup, without printing a secret', async () => {
    const { io, out } = captureIo();
    const code = await main([], env, io);
    expect(out()).toContain('All checks passed.');
    expect(code).toBe(0);
    for (const line of [
      '✔ NOTION_TOKEN',
      'Notion API reachable',
      'Notion token accepted',
      'Firestore reachable',
      `Pub/Sub topic ${topic}`,
    ]) {
      expect(out()).toContain(line);
    }
    expect(out()).toMatch(/✔ Todos database ".*"/);
    expect(out()).not.toContain('secret-token-for-tests');
    expect(out()).not.toContain('client-secret-for-tests');
  });

  it('reports every missing or malformed variable, each with a fix, and exits 1', async () => {
    const {
      NOTION_TOKEN: _t,
      NOTION_AREAS_DATABASE_ID: _a,
      NOTION_TODOS_DATABASE_ID: _d,
      PUBSUB_TOPIC: _p,
      ...rest
    } = env;
    const { io, out } = captureIo();
    expect(await main([], { ...rest, NOTION_VERSION: '2024-01-01', NOTION_RPS: 'fast' }, io)).toBe(1);
    const text = out();
    for (const variable of [
      'NOTION_TOKEN',
      'NOTION_AREAS_DATABASE_ID',
      'NOTION_TODOS_DATABASE_ID',
      'PUBSUB_TOPIC',
      'NOTION_VERSION',
      'NOTION_RPS',
    ]) {
      expect(text).toMatch(new RegExp(`✘ ${variable} .*\\n\\s+fix: `));
    }
    expect(text).toContain('6 problems found.');
    expect(text).toContain('✔ NOTION_PROJECTS_DATABASE_ID');
  });

  it('--for sync does not require the webhook variables', async () => {
    const { PUBSUB_TOPIC: _p, TODOIST_CLIENT_SECRET: _s, ...rest } = env;
    const { io, out } = captureIo();
    expect(await main(['--for', 'sync'], rest, io)).toBe(0);
    expect(out()).toContain('· PUBSUB_TOPIC  not set');
  });

  it('names each missing or mistyped property, its database and the type it must have', async () => {
    const broken = (api: NotionApi): NotionApi => ({
      ...api,
      async schema(databaseId, request) {
        const schema = await api.schema(databaseId, request);
        if (databaseId !== sandbox.databases.todos) return schema;
        const { 'Todoist ID': _gone, ...properties } = schema.properties;
        return { ...schema, properties: { ...properties, Name: { id: 'x', type: 'rich_text' } } };
      },
    });
    const { io, out } = captureIo();
    expect(await main([], env, io, { wrapNotion: broken })).toBe(1);
    expect(out()).toContain(
      '✘ Todos database: property "Todoist ID"  is missing; it must be of type rich_text',
    );
    expect(out()).toContain('fix: in the Todos database, add a property "Todoist ID" of type rich_text');
    expect(out()).toContain('✘ Todos database: property "Name"  has type rich_text; it must be title');
  });

  it('a database the integration cannot see and a missing topic each fail with a fix', async () => {
    const { io, out } = captureIo();
    const code = await main(
      [],
      {
        ...env,
        NOTION_PROJECTS_DATABASE_ID: '0123456789abcdef0123456789abcdef',
        PUBSUB_TOPIC: 'no-such-topic',
      },
      io,
    );
    expect(code).toBe(1);
    expect(out()).toMatch(
      /✘ Projects database 0123456789abcdef0123456789abcdef .*not shared.*\n\s+fix: open the database in Notion/,
    );
    expect(out()).toMatch(
      /✘ Pub\/Sub topic no-such-topic {2}does not exist\n\s+fix: gcloud pubsub topics create no-such-topic/,
    );
    expect(out()).toContain('2 problems found.');
  });

  it('a token Notion refuses fails the token line and skips the databases', async () => {
    const refusing = (api: NotionApi): NotionApi => ({
      ...api,
      async schema() {
        throw new NotionError(
          'unauthorized',
          'GET /v1/databases/:id → 401 unauthorized: API token is invalid.',
          { status: 401 },
        );
      },
    });
    const { io, out } = captureIo();
    expect(await main([], env, io, { wrapNotion: refusing })).toBe(1);
    expect(out()).toMatch(
      /✔ Notion API reachable[\s\S]*✘ Notion token accepted .*401[\s\S]*fix: copy the internal integration secret/,
    );
    expect(out()).not.toContain('Areas database');
  });

  it('the real command (spawned) reports an unreachable Notion and Firestore and exits 1', async () => {
    const dead = {
      ...env,
      NOTION_BASE_URL: 'http://127.0.0.1:9',
      FIRESTORE_EMULATOR_HOST: '127.0.0.1:9',
      NOTION_TIMEOUT_MS: '2000',
    };
    const { code, stdout } = await spawnDoctor(dead, ['--timeout', '3']);
    expect(stdout).toMatch(
      /✘ Notion API reachable at http:\/\/127.0.0.1:9 .*\n\s+fix: check NOTION_BASE_URL/,
    );
    expect(stdout).toMatch(/✘ Firestore reachable .*127.0.0.1:9.*\n\s+fix: start the emulator/);
    expect(code).toBe(1);
  });

  it('bad arguments exit 2', async () => {
    const { io, err } = captureIo();
    expect(await main(['--for', 'everything'], env, io)).toBe(2);
    expect(err()).toContain('Usage: doctor');
    const timeout = captureIo();
    expect(await main(['--timeout', 'soon'], env, timeout.io)).toBe(2);
  });
});
