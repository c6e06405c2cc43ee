import { describe, expect, it } from 'vitest';
import { isConfigError } from '../../src/config/index.js';
import { parseServeOptions } from '../../src/config/invocation.js';
import { createFunctionHandlers } from '../../src/functions.js';
import { createLogger } from '../../src/log/logger.js';

const NODE = ['/usr/bin/node', 'functions-framework'];

function bootLog() {
  const lines: Array<Record<string, unknown>> = [];
  return { lines, logger: createLogger({ sink: (line) => lines.push(JSON.parse(line)) }) };
}

describe('starting the functions', () => {
  it('a webhook started without its secret stops at start-up with one line naming the variable', () => {
    const boot = bootLog();
    const serve = parseServeOptions([...NODE, '--target', 'todoistWebhook'], { PUBSUB_TOPIC: 'todoist' });
    let thrown: unknown;
    try {
      createFunctionHandlers(serve, boot.logger, () => undefined);
    } catch (error) {
      thrown = error;
    }
    expect(isConfigError(thrown)).toBe(true);
    expect(boot.lines).toEqual([
      expect.objectContaining({ severity: 'CRITICAL', variable: 'TODOIST_CLIENT_SECRET' }),
    ]);
  });

  it('a process serving another target reads no configuration until a function is called', () => {
    const boot = bootLog();
    const serve = parseServeOptions([...NODE, '--target=helloWorld'], {});
    expect(() => createFunctionHandlers(serve, boot.logger, () => undefined)).not.toThrow();
    expect(boot.lines).toEqual([]);
  });
});
