import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type ConfigRole, loadConfig } from '../../src/config/index.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');

interface Step {
  id: string;
  keys: Record<string, string>;
  lists: Record<string, string[]>;
}

function unquote(value: string): string {
  const v = value.trim();
  if (v.startsWith("'") && v.endsWith("'")) return v.slice(1, -1).replaceAll("''", "'");
  if (v.startsWith('"') && v.endsWith('"')) return v.slice(1, -1);
  return v;
}

/**
 * Reads the steps of cloudbuild.yaml in the shape that file promises (no YAML dependency):
 * `  - id:` opens a step, `    key: value` or `    key:` + `      - item` lines; a `- |` item
 * takes the deeper-indented lines after it.
 */
function parseSteps(yaml: string): Step[] {
  const steps: Step[] = [];
  let step: Step | undefined;
  let list: string[] | undefined;
  let inSteps = false;
  for (const line of yaml.split('\n')) {
    if (/^\S/.test(line)) inSteps = line.startsWith('steps:');
    if (!inSteps || /^\s*(#.*)?$/.test(line)) continue;
    const open = /^ {2}- id: (.+)$/.exec(line);
    const key = /^ {4}(\w+):\s*(.*)$/.exec(line);
    const item = /^ {6}- (.*)$/.exec(line);
    if (open?.[1]) {
      step = { id: open[1].trim(), keys: {}, lists: {} };
      steps.push(step);
    } else if (key?.[1] && step) {
      list = undefined;
      if (key[2]) step.keys[key[1]] = unquote(key[2]);
      else {
        list = [];
        step.lists[key[1]] = list;
      }
    } else if (item?.[1] !== undefined && list) {
      list.push(unquote(item[1]));
    } else if (/^ {8}/.test(line) && list && list.length > 0) {
      list[list.length - 1] += `\n${line.trim()}`;
    }
  }
  return steps;
}

function parseSubstitutions(yaml: string): Map<string, string> {
  const block = yaml.split(/^substitutions:$/m)[1]?.split(/^\S/m)[0] ?? '';
  const subs = new Map<string, string>();
  for (const m of block.matchAll(/^ {2}(_[A-Z0-9_]+):\s*(.*)$/gm)) subs.set(m[1] ?? '', unquote(m[2] ?? ''));
  return subs;
}

const yaml = read('cloudbuild.yaml');
const steps = parseSteps(yaml);
const substitutions = parseSubstitutions(yaml);

/** How cloudbuild.yaml refers to a substitution: `${_NAME}`. */
const ref = (name: string): string => `\${${name}}`;

function deployStep(fn: string): Step {
  const step = steps.find((s) => s.lists['args']?.slice(0, 3).join(' ') === `functions deploy ${fn}`);
  if (!step) throw new Error(`cloudbuild.yaml has no "gcloud functions deploy ${fn}" step`);
  return step;
}

function flag(step: Step, name: string): string | undefined {
  const arg = step.lists['args']?.find((a) => a === name || a.startsWith(`${name}=`));
  return arg === undefined ? undefined : arg.slice(name.length + 1);
}

/** `A=1,B=2` or gcloud's `^;^A=1;B=2` (custom delimiter) as a map. */
function dict(value: string | undefined): Map<string, string> {
  if (value === undefined) return new Map();
  const custom = /^\^(.)\^/.exec(value);
  const body = custom ? value.slice(3) : value;
  const pairs = body.split(custom?.[1] ?? ',').map((p) => p.split('=') as [string, ...string[]]);
  return new Map(pairs.map(([k, ...v]) => [k, v.join('=')]));
}

const SAMPLE_DB = {
  _NOTION_AREAS_DATABASE_ID: '11111111111111111111111111111111',
  _NOTION_PROJECTS_DATABASE_ID: '22222222222222222222222222222222',
  _NOTION_TODOS_DATABASE_ID: '33333333333333333333333333333333',
};

/** Replaces `${_X}` / `${PROJECT_ID}` the way Cloud Build would with the defaults (ids filled in). */
function substitute(value: string): string {
  return value.replace(/\$\{?(_[A-Z0-9_]+|PROJECT_ID)\}?/g, (_, name: string) => {
    if (name === 'PROJECT_ID') return 'demo-project';
    return SAMPLE_DB[name as keyof typeof SAMPLE_DB] ?? substitutions.get(name) ?? `<unknown ${name}>`;
  });
}

/** The environment a deployed function starts with: its env vars plus its secrets (placeholders). */
function deployedEnv(step: Step): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of dict(flag(step, '--set-env-vars'))) env[k] = substitute(v);
  for (const k of dict(flag(step, '--set-secrets')).keys()) env[k] = `secret-value-of-${k}`;
  return env;
}

describe('cloudbuild.yaml deploys the three functions with the contract flags', () => {
  it.each(['syncTodoistEvent', 'todoistWebhook', 'reconcileTodoist'])(
    '%s: gen2, nodejs24, its own entry point, from the uploaded sources',
    (fn) => {
      const step = deployStep(fn);
      expect(step.keys['entrypoint']).toBe('gcloud');
      expect(step.keys['name']).toMatch(/cloudsdktool\/cloud-sdk/);
      expect(flag(step, '--gen2')).toBe('');
      expect(flag(step, '--runtime')).toBe('nodejs24');
      expect(flag(step, '--entry-point')).toBe(fn);
      expect(flag(step, '--source')).toBe('.');
      expect(flag(step, '--region')).toBe(ref('_REGION'));
      expect(flag(step, '--service-account')).toBe(ref('_RUNTIME_SA'));
      expect(Number(flag(step, '--max-instances'))).toBeGreaterThan(0);
      expect(flag(step, '--memory')).toMatch(/^\d+(Mi|Gi)$/);
      // Concurrency above 1 is refused by Cloud Run below one vCPU.
      if (Number(flag(step, '--concurrency')) > 1)
        expect(Number(flag(step, '--cpu'))).toBeGreaterThanOrEqual(1);
    },
  );

  it('syncTodoistEvent is fed by the events topic and retried', () => {
    const sync = deployStep('syncTodoistEvent');
    expect(flag(sync, '--trigger-topic')).toBe(ref('_TOPIC'));
    expect(flag(sync, '--retry')).toBe('');
    expect(flag(sync, '--trigger-http')).toBeUndefined();
    expect(Number.parseInt(flag(sync, '--timeout') ?? '', 10)).toBeLessThanOrEqual(540);
  });

  it('todoistWebhook is a public HTTP function (the HMAC authenticates Todoist)', () => {
    const webhook = deployStep('todoistWebhook');
    expect(flag(webhook, '--trigger-http')).toBe('');
    expect(flag(webhook, '--allow-unauthenticated')).toBe('');
    expect(flag(webhook, '--trigger-topic')).toBeUndefined();
  });

  it('reconcileTodoist runs on its own topic, one tick at a time, retried', () => {
    const reconcile = deployStep('reconcileTodoist');
    expect(flag(reconcile, '--trigger-topic')).toBe(ref('_RECONCILE_TOPIC'));
    expect(substitutions.get('_RECONCILE_TOPIC')).not.toBe(substitutions.get('_TOPIC'));
    expect(flag(reconcile, '--retry')).toBe('');
    expect(flag(reconcile, '--max-instances')).toBe('1');
    expect(Number.parseInt(flag(reconcile, '--timeout') ?? '', 10)).toBeLessThanOrEqual(540);
  });

  it.each([
    ['syncTodoistEvent', 'sync', ['NOTION_TOKEN']],
    ['todoistWebhook', 'webhook', ['TODOIST_CLIENT_SECRET']],
    ['reconcileTodoist', 'reconcile', ['NOTION_TOKEN', 'TODOIST_API_TOKEN']],
  ] as const)('%s gets its secrets from Secret Manager, pinned by substitution', (fn, _role, names) => {
    const secrets = dict(flag(deployStep(fn), '--set-secrets'));
    for (const name of names) expect(secrets.get(name)).toMatch(/^[a-z][a-z0-9-]+:\$\{_[A-Z_]+_VERSION\}$/);
    const envVars = dict(flag(deployStep(fn), '--set-env-vars'));
    for (const name of ['NOTION_TOKEN', 'TODOIST_CLIENT_SECRET', 'TODOIST_API_TOKEN'])
      expect(envVars.has(name), `${name} must come from --set-secrets, not an env var`).toBe(false);
  });

  it.each([
    ['syncTodoistEvent', 'sync'],
    ['todoistWebhook', 'webhook'],
    ['reconcileTodoist', 'reconcile'],
  ] as const)('%s starts with a configuration the loader accepts for its role', (fn, role: ConfigRole) => {
    const env = deployedEnv(deployStep(fn));
    const config = loadConfig(env, role);
    expect(config.state.store).toBe('firestore');
    expect(config.state.projectId).toBe('demo-project');
    if (role === 'webhook') expect(config.pubsub.topic).toBe(substitutions.get('_TOPIC'));
    else expect(config.notion.databases.areas).toBe(SAMPLE_DB._NOTION_AREAS_DATABASE_ID);
  });

  it("keeps all instances together within Notion's ~3 requests/s", () => {
    const budget = ['syncTodoistEvent', 'reconcileTodoist', 'syncNotionEvent'].reduce((sum, fn) => {
      const step = fn === 'syncNotionEvent' ? twoWayStep(fn) : deployStep(fn);
      return sum + Number(flag(step, '--max-instances')) * Number(deployedEnv(step)['NOTION_RPS']);
    }, 0);
    expect(budget).toBeGreaterThan(0);
    expect(budget).toBeLessThanOrEqual(3.0001);
  });

  it('declares every substitution it uses, and uses every one it declares', () => {
    const used = new Set([...yaml.matchAll(/\$\{?(_[A-Z0-9_]+)/g)].map((m) => m[1]));
    expect([...used].sort()).toEqual([...substitutions.keys()].sort());
  });

  it('deploys only after lint, type-check, unit and emulator tests and the build passed', () => {
    const byId = new Map(steps.map((s, i) => [s.id, { step: s, index: i }]));
    const upstream = (id: string, seen = new Set<string>()): Set<string> => {
      const entry = byId.get(id);
      const waits = entry?.step.lists['waitFor'] ?? steps.slice(0, entry?.index ?? 0).map((s) => s.id);
      for (const w of waits) if (!seen.has(w)) upstream(w, seen.add(w));
      return seen;
    };
    for (const fn of ['syncTodoistEvent', 'todoistWebhook', 'reconcileTodoist']) {
      const deps = upstream(deployStep(fn).id);
      for (const id of ['install', 'lint', 'typecheck', 'unit-tests', 'build', 'emulator-tests'])
        expect(deps.has(id), `${fn} deploy must wait for ${id}`).toBe(true);
    }
    const unit = byId.get('unit-tests')?.step;
    expect(unit?.keys['entrypoint']).toBe('npm');
    expect(unit?.lists['args']).toEqual(['run', 'test:unit']);
    const emulator = byId.get('emulator-tests')?.step;
    expect(emulator?.keys['name']).toMatch(/:emulators$/);
    expect(emulator?.lists['args']?.[0]).toBe('deploy/ci-emulator-tests.sh');
    expect(yaml).toMatch(/^options:\n(?: {2}.*\n)*? {2}logging: CLOUD_LOGGING_ONLY$/m);
  });
});

describe('cloudbuild.yaml passes the optional data source ids to every function that reads Notion', () => {
  const KEYS = ['AREAS', 'PROJECTS', 'TODOS', 'PEOPLE'];

  it.each([
    ['syncTodoistEvent', 'sync'],
    ['reconcileTodoist', 'reconcile'],
    ['syncNotionEvent', 'notion-sync'],
  ] as const)('%s: NOTION_*_DATA_SOURCE_ID from substitutions that default to "" (unset)', (fn, role) => {
    const step = fn === 'syncNotionEvent' ? twoWayStep(fn) : deployStep(fn);
    const vars = dict(flag(step, '--set-env-vars'));
    for (const key of KEYS) {
      expect(vars.get(`NOTION_${key}_DATA_SOURCE_ID`)).toBe(ref(`_NOTION_${key}_DATA_SOURCE_ID`));
      expect(substitutions.get(`_NOTION_${key}_DATA_SOURCE_ID`)).toBe('');
    }
    const env = { ...deployedEnv(step), SYNC_DIRECTION: 'two-way', TODOIST_API_TOKEN: 't' };
    expect(loadConfig(env, role).notion.dataSources).toEqual({});
    const todos = '44444444444444444444444444444444';
    const configured = { ...env, NOTION_TODOS_DATA_SOURCE_ID: todos };
    expect(loadConfig(configured, role).notion.dataSources).toEqual({ todos });
  });

  it('deploy.sh passes them on when set', () => {
    const script = read('deploy/deploy.sh');
    for (const key of KEYS) expect(script).toContain(`NOTION_${key}_DATA_SOURCE_ID`);
  });
});

/** A two-way step: `bash deploy/two-way-step.sh ${_SYNC_DIRECTION} functions deploy <fn> ...`. */
function twoWayStep(fn: string): Step {
  const step = steps.find((s) => s.lists['args']?.slice(2, 5).join(' ') === `functions deploy ${fn}`);
  if (!step) throw new Error(`cloudbuild.yaml has no two-way step deploying ${fn}`);
  return step;
}

describe('cloudbuild.yaml deploys the two-way functions only when two-way is configured', () => {
  it.each(['notionWebhook', 'syncNotionEvent'])(
    '%s runs through the two-way script, gated by _SYNC_DIRECTION',
    (fn) => {
      const step = twoWayStep(fn);
      expect(step.keys['entrypoint']).toBe('bash');
      expect(step.lists['args']?.slice(0, 2)).toEqual(['deploy/two-way-step.sh', ref('_SYNC_DIRECTION')]);
      expect(flag(step, '--runtime')).toBe('nodejs24');
      expect(flag(step, '--entry-point')).toBe(fn);
      expect(flag(step, '--service-account')).toBe(ref('_RUNTIME_SA'));
      expect(substitutions.get('_SYNC_DIRECTION')).toBe('todoist-to-notion');
      const script = read('deploy/two-way-step.sh');
      expect(script).toMatch(/if \[\[ "\$direction" != "two-way" \]\]; then[\s\S]*?exit 0/);
    },
  );

  it('notionWebhook is a public HTTP receiver publishing to the Notion topic, its secret mounted once it exists', () => {
    const step = twoWayStep('notionWebhook');
    expect(flag(step, '--trigger-http')).toBe('');
    expect(flag(step, '--allow-unauthenticated')).toBe('');
    const env = deployedEnv(step);
    expect(loadConfig(env, 'notion-webhook').twoWay.topic).toBe(substitutions.get('_NOTION_TOPIC'));
    expect(read('deploy/two-way-step.sh')).toMatch(/gcloud pubsub topics create "\$NOTION_TOPIC"/);
    expect(read('deploy/two-way-step.sh')).toMatch(/--set-secrets=NOTION_WEBHOOK_SECRET=/);
  });

  it('syncNotionEvent is fed by the Notion topic, retried, and starts with a configuration its role accepts', () => {
    const step = twoWayStep('syncNotionEvent');
    expect(flag(step, '--trigger-topic')).toBe(ref('_NOTION_TOPIC'));
    expect(flag(step, '--retry')).toBe('');
    const env = { ...deployedEnv(step), SYNC_DIRECTION: 'two-way' };
    const config = loadConfig(env, 'notion-sync');
    expect(config.twoWay.direction).toBe('two-way');
    expect(config.notion.databases.todos).toBe(SAMPLE_DB._NOTION_TODOS_DATABASE_ID);
    for (const fn of ['syncTodoistEvent', 'reconcileTodoist'])
      expect(dict(flag(deployStep(fn), '--set-env-vars')).get('SYNC_DIRECTION')).toBe(ref('_SYNC_DIRECTION'));
  });
});

/**
 * gcloud's ignore-file rules for the pattern forms these files use (name, dir/, /anchored, a/b,
 * `*` within a segment, `!` negation): for each path prefix, the last matching line decides, and
 * an ignored directory hides everything under it. Other syntax is refused, so the test cannot
 * silently misread a new line.
 */
function ignoreMatcher(text: string): (path: string) => boolean {
  const rules = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((line) => {
      if (/[?[\\]|\*\*/.test(line)) throw new Error(`unsupported ignore syntax: ${line}`);
      const negated = line.startsWith('!');
      let pattern = negated ? line.slice(1) : line;
      const dirOnly = pattern.endsWith('/');
      if (dirOnly) pattern = pattern.slice(0, -1);
      const anchored = pattern.includes('/');
      const glob = pattern
        .replace(/^\//, '')
        .replace(/[.+^${}()|]/g, '\\$&')
        .replaceAll('*', '[^/]*');
      return { negated, dirOnly, regex: new RegExp(anchored ? `^${glob}$` : `(^|/)${glob}$`) };
    });
  return (path) => {
    const parts = path.split('/');
    for (let i = 1; i <= parts.length; i++) {
      const prefix = parts.slice(0, i).join('/');
      const isDir = i < parts.length;
      let ignored = false;
      for (const rule of rules) {
        if ((!rule.dirOnly || isDir) && rule.regex.test(prefix)) ignored = !rule.negated;
      }
      if (ignored) return false;
    }
    return true;
  };
}

function filesUnder(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(ROOT.length).replace(/^\/+/, ''));
}

describe('.gcloudignore matches the "build in the cloud" strategy', () => {
  const uploaded = ignoreMatcher(read('.gcloudignore'));
  const buildConfig = JSON.parse(read('tsconfig.build.json')) as { extends?: string; include?: string[] };

  it('uploads every build input: the sources, both tsconfigs, package.json, the lockfile and the bundle script', () => {
    const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
    const inputs = [
      'package.json',
      'package-lock.json',
      'tsconfig.json',
      'tsconfig.build.json',
      (buildConfig.extends ?? '').replace(/^\.\//, ''),
      ...(buildConfig.include ?? []).flatMap(filesUnder),
      ...(pkg.scripts['bundle'] ?? '').split(/\s+/).filter((word) => word.endsWith('.ts')),
    ];
    expect(inputs).toContain('src/index.ts');
    expect(inputs).toContain('scripts/bundle.ts');
    expect(inputs.filter((p) => !uploaded(p))).toEqual([]);
  });

  it('leaves out what the buildpack rebuilds, local secrets, and what the runtime never reads', () => {
    const left = [
      'node_modules/valibot/package.json',
      'dist/index.js',
      'test/unit/config.test.ts',
      '.git/HEAD',
      '.env',
      '.env.production',
      'coverage/index.html',
      'bench-results/latest.json',
      '.ci/run',
      'docs/deploy.md',
      'scripts/bench.ts',
      'scripts/lib/dist-build.ts',
      'deploy/setup.sh',
      'cloudbuild.yaml',
    ];
    expect(left.filter(uploaded)).toEqual([]);
  });

  it('the buildpack builds what main serves: tsc, then the entry and each function bundled apart', async () => {
    const pkg = JSON.parse(read('package.json')) as {
      main: string;
      scripts: Record<string, string>;
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    expect(pkg.scripts['gcp-build']).toBe('npm run build');
    expect(pkg.scripts['build']).toBe('tsc -p tsconfig.build.json && npm run bundle');
    expect(pkg.scripts['bundle']).toBe('node scripts/bundle.ts');
    const { bundleBuilds, FUNCTIONS } = await import('../../scripts/bundle.js');
    const [entry, ...functions] = bundleBuilds();
    expect(entry?.entryPoints).toEqual(['dist/index.js']);
    expect(entry?.outdir).toBe(pkg.main.replace(/\/index\.js$/, ''));
    expect(functions.map((b) => b.entryPoints)).toEqual(
      FUNCTIONS.map((name) => [`dist/functions/${name}.js`]),
    );
    const sources = readdirSync(join(ROOT, 'src/functions'))
      .filter((f) => f.endsWith('-function.ts'))
      .map((f) => f.replace(/\.ts$/, ''));
    expect(sources.sort()).toEqual([...FUNCTIONS].sort());
    for (const build of [entry, ...functions]) {
      expect(build).toMatchObject({ bundle: true, splitting: true, format: 'esm', sourcemap: true });
      // Node 24 like the runtime; names kept for logged stacks; maps without the sources' text.
      expect(build).toMatchObject({
        platform: 'node',
        target: 'node24',
        keepNames: true,
        sourcesContent: false,
      });
      expect(build?.outdir?.startsWith(entry?.outdir ?? '?')).toBe(true);
      // Every runtime dependency stays in node_modules but valibot, whose used functions are bundled:
      // a cold start then compiles those, not the package's whole 200 KB build.
      expect([...(build?.external ?? [])].sort()).toEqual(
        Object.keys(pkg.dependencies).filter((d) => d !== 'valibot'),
      );
    }
    expect(pkg.main).toMatch(/^dist\/.+\/index\.js$/);
    expect(uploaded(pkg.main)).toBe(false);
    expect(pkg.devDependencies['esbuild']).toMatch(/^\d+\.\d+\.\d+$/);
    expect(pkg.dependencies['esbuild']).toBeUndefined();
  });

  it('is self-contained: no #!include of .gitignore', () => {
    expect(read('.gcloudignore')).not.toMatch(/^#!include/m);
  });

  it('the Cloud Build upload keeps the tests and deploy scripts the build runs', () => {
    const submitted = ignoreMatcher(read('deploy/builds-submit.gcloudignore'));
    const kept = ['src/index.ts', 'test/unit/config.test.ts', 'test/global-setup.ts', 'cloudbuild.yaml'];
    kept.push('test/fixtures/todoist/item-added.json', 'test/fixtures/todoist/signatures.txt');
    kept.push('deploy/ci-emulator-tests.sh', 'deploy/dead-letter.sh', 'package-lock.json', 'biome.json');
    expect(kept.filter((p) => !submitted(p))).toEqual([]);
    expect(['node_modules/a/b.js', 'dist/index.js', '.git/HEAD', '.env'].filter(submitted)).toEqual([]);
    expect(read('deploy/deploy.sh')).toMatch(
      /gcloud builds submit .*--ignore-file=deploy\/builds-submit\.gcloudignore/s,
    );
  });
});

describe('one Node.js major everywhere', () => {
  const pkg = JSON.parse(read('package.json')) as {
    engines: { node: string };
    scripts: Record<string, string>;
    devDependencies: Record<string, string>;
  };

  it('the runtime, the pinned Node, its types and every Node image in the build are Node 24', () => {
    expect(pkg.engines.node).toBe('>=24');
    expect(pkg.devDependencies['node']).toMatch(/^24\.\d+\.\d+$/);
    expect(pkg.devDependencies['@types/node']).toMatch(/^\^24\./);
    const images = steps.map((s) => s.keys['name'] ?? '').filter((n) => n.startsWith('node:'));
    expect(images.length).toBeGreaterThan(0);
    expect(new Set(images)).toEqual(new Set(['node:24']));
    for (const fn of ['syncTodoistEvent', 'todoistWebhook', 'reconcileTodoist'])
      expect(flag(deployStep(fn), '--runtime')).toBe('nodejs24');
  });

  it('npm test runs every tier; npm run test:unit only the one without emulators or dist/', () => {
    expect(pkg.scripts['test']).toBe('vitest run');
    expect(pkg.scripts['test:unit']).toBe('vitest run --project unit');
    const config = read('vitest.config.ts');
    expect(config).toMatch(/name: 'unit',\s*include: \['test\/unit\/\*\*\/\*\.test\.ts'\]/);
    expect(config.match(/globalSetup/g)).toHaveLength(1);
    expect(config).toMatch(/name: 'integration',\s*include: \[[^\]]+\],\s*globalSetup:/);
  });
});

describe('operations files', () => {
  it.each(readdirSync(join(ROOT, 'deploy')).filter((f) => f.endsWith('.sh')))(
    'deploy/%s is valid bash',
    (file) => {
      expect(() => execFileSync('bash', ['-n', join(ROOT, 'deploy', file)], { stdio: 'pipe' })).not.toThrow();
    },
  );

  it('the audit alert matches the field the start-up audit logs, at most once per period', () => {
    const policy = JSON.parse(read('deploy/alert-policy.json')) as {
      conditions: Array<{ conditionMatchedLog?: { filter: string } }>;
      alertStrategy?: { notificationRateLimit?: { period?: string } };
    };
    const filter = policy.conditions[0]?.conditionMatchedLog?.filter ?? '';
    expect(filter).toContain('jsonPayload.duplicate_areas=true');
    expect(filter).toContain('severity>=ERROR');
    expect(read('src/audit/startup-audit.ts')).toContain("area: 'duplicate_areas'");
    expect(policy.alertStrategy?.notificationRateLimit?.period).toMatch(/^\d+s$/);
  });

  it('documents the TTL policy, dead-letter topic and reconcile schedule as commands', () => {
    const doc = read('docs/deploy.md');
    const prefix = substitutions.get('_STATE_COLLECTION_PREFIX');
    expect(doc).toContain(
      `gcloud firestore fields ttls update expireAt --collection-group=${prefix}_ledger --enable-ttl`,
    );
    expect(doc).toMatch(/gcloud pubsub subscriptions update \S+ .*--dead-letter-topic=/);
    // The documented command uses the schedule deploy/env.sh deploys.
    const schedule = /RECONCILE_SCHEDULE="\$\{RECONCILE_SCHEDULE:-([^}]+)\}"/.exec(
      read('deploy/env.sh'),
    )?.[1];
    expect(schedule).toBe('0 * * * *');
    expect(doc).toContain(`gcloud scheduler jobs create pubsub reconcile-todoist --schedule="${schedule}"`);
  });
});
