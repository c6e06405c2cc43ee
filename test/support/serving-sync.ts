/**
 * A sync function served in-process, as functions-framework would serve it, for unit tests of the
 * handlers' wiring (src/functions.ts): the memory store and a Notion address nothing listens on.
 */
import type { CloudEvent } from '@google-cloud/functions-framework';
import { parseServeOptions, type ServeOptions } from '../../src/config/invocation.js';
import { MEMORY_SYNC_ENV } from './memory-env.js';

/** argv of a process started by functions-framework's CLI. */
export const NODE_ARGV = ['/usr/bin/node', 'functions-framework'];

/** A sync instance on the memory store; a poison message is answered without any Notion request. */
export const SERVED_SYNC_ENV = {
  ...MEMORY_SYNC_ENV,
  NOTION_BASE_URL: 'http://127.0.0.1:9',
  AUDIT_ON_START: 'false',
  LOG_LEVEL: 'ERROR',
};

/** What functions-framework passes for `--target=<target>` in a process with `env`. */
export function serveTarget(target: string, env: Record<string, string> = SERVED_SYNC_ENV): ServeOptions {
  return parseServeOptions([...NODE_ARGV, `--target=${target}`], env);
}

/** A Pub/Sub push whose body is not JSON: acknowledged as poison, nothing sent anywhere. */
export const POISON_EVENT = {
  data: { message: { data: Buffer.from('not json').toString('base64') } },
} as unknown as CloudEvent<unknown>;
