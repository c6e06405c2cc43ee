import { describe, expect, it } from 'vitest';
import { cliInvocation, parseServeOptions } from '../../src/config/invocation.js';

const NODE = ['/usr/bin/node', '/app/node_modules/.bin/functions-framework'];

describe('the served target, as functions-framework resolves it', () => {
  // [what the operator typed, FUNCTION_TARGET, expected target, expected role]
  const table: Array<[string[], string | undefined, string | undefined, string | undefined]> = [
    [['--target=syncTodoistEvent'], undefined, 'syncTodoistEvent', 'sync'],
    [['--target', 'todoistWebhook'], undefined, 'todoistWebhook', 'webhook'],
    [
      ['--port=8080', '--target', 'reconcileTodoist', '--signature-type=cloudevent'],
      undefined,
      'reconcileTodoist',
      'reconcile',
    ],
    [[], 'todoistWebhook', 'todoistWebhook', 'webhook'],
    [['--target=syncTodoistEvent'], 'todoistWebhook', 'syncTodoistEvent', 'sync'],
    [['--target=helloWorld'], undefined, 'helloWorld', undefined],
    [[], undefined, undefined, undefined],
    [['--target='], '  ', undefined, undefined],
    [['--target'], 'reconcileTodoist', 'reconcileTodoist', 'reconcile'],
    [['--target=todoistWebhook', '--target=syncTodoistEvent'], undefined, 'syncTodoistEvent', 'sync'],
  ];

  it.each(table)('argv %j, FUNCTION_TARGET %j → %j (%j)', (args, fromEnv, target, role) => {
    const env = fromEnv === undefined ? {} : { FUNCTION_TARGET: fromEnv };
    const options = parseServeOptions([...NODE, ...args], env);
    expect(options).toEqual({ target, role, env });
  });
});

describe('a command-line tool started by node, tsx or its package bin', () => {
  it('gets the script path, then only its own arguments, and the environment it was given', () => {
    const env = { NOTION_TOKEN: 'secret-for-tests' };
    expect(
      cliInvocation(['/usr/bin/node', '/app/dist/cli/reconcile.js', '--dry-run', '--json'], env),
    ).toEqual({
      entry: '/app/dist/cli/reconcile.js',
      args: ['--dry-run', '--json'],
      env,
    });
    expect(cliInvocation(['/usr/bin/node'], {})).toEqual({ entry: undefined, args: [], env: {} });
  });
});
