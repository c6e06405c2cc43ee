import { describe, expect, it } from 'vitest';
import { isTransient } from '../../src/errors.js';
import {
  errorFromResponse,
  isNotionError,
  isOutcomeUnknown,
  isPageGone,
  NotionError,
} from '../../src/notion/errors.js';

const body = (code: string, message = 'm') =>
  JSON.stringify({ object: 'error', status: 0, code, message, request_id: 'req-1' });

describe('classifying Notion error answers', () => {
  it.each([
    [400, 'validation_error', 'validation_error', false],
    [400, 'missing_version', 'missing_version', false],
    [401, 'unauthorized', 'unauthorized', false],
    [404, 'object_not_found', 'object_not_found', false],
    [409, 'conflict_error', 'conflict_error', true],
    [429, 'rate_limited', 'rate_limited', true],
    [500, 'internal_server_error', 'internal_server_error', true],
    [503, 'service_unavailable', 'service_unavailable', true],
    [503, 'database_connection_unavailable', 'service_unavailable', true],
    [504, 'gateway_timeout', 'gateway_timeout', true],
    [529, 'service_overload', 'service_overload', true],
  ])('%i %s → code %s, transient %s', (status, sent, code, transient) => {
    const error = errorFromResponse('POST /v1/pages', status, body(sent), {});
    expect(error.code).toBe(code);
    expect(error.status).toBe(status);
    expect(error.transient).toBe(transient);
    expect(isTransient(error)).toBe(transient);
    expect(error.requestId).toBe('req-1');
    expect(error.message).toContain('POST /v1/pages');
  });

  it('classifies a proxy HTML page by its status and keeps Retry-After', () => {
    const error = errorFromResponse('GET /v1/pages/:id', 502, '<html>Bad gateway</html>', {
      retryAfterMs: 1500,
      requestId: 'h-1',
    });
    expect(error.code).toBe('service_unavailable');
    expect(error.retryAfterMs).toBe(1500);
    expect(error.requestId).toBe('h-1');
    expect(error.message).toContain('Bad gateway');
  });

  it('keeps the raw code Notion sent when it is not one of ours', () => {
    const error = errorFromResponse('GET /x', 503, body('database_connection_unavailable'), {});
    expect(error.apiCode).toBe('database_connection_unavailable');
  });

  it('marks our own transport codes transient, schema problems permanent', () => {
    expect(new NotionError('outcome_unknown', 'x').transient).toBe(true);
    expect(new NotionError('request_timeout', 'x').transient).toBe(true);
    expect(new NotionError('network_error', 'x').transient).toBe(true);
    expect(new NotionError('schema_invalid', 'x').transient).toBe(false);
    expect(new NotionError('unexpected_response', 'x').transient).toBe(false);
  });
});

describe('guards', () => {
  it('isNotionError narrows by code', () => {
    const e = new NotionError('rate_limited', 'slow down');
    expect(isNotionError(e)).toBe(true);
    expect(isNotionError(e, 'rate_limited')).toBe(true);
    expect(isNotionError(e, 'object_not_found')).toBe(false);
    expect(isNotionError(new Error('x'))).toBe(false);
  });

  it('isOutcomeUnknown only for outcome_unknown', () => {
    expect(isOutcomeUnknown(new NotionError('outcome_unknown', 'reset'))).toBe(true);
    expect(isOutcomeUnknown(new NotionError('internal_server_error', '500'))).toBe(false);
    expect(isOutcomeUnknown('outcome_unknown')).toBe(false);
  });

  it.each([
    ['object_not_found', 'Could not find page with ID: x.', true],
    [
      'validation_error',
      "Can't edit block that is archived. You must unarchive the block before editing.",
      true,
    ],
    ['validation_error', 'Can’t edit page that is in trash.', true],
    ['validation_error', 'body.properties.Name.title should be an array', false],
    ['restricted_resource', 'archived', false],
  ] as const)('isPageGone(%s: %s) → %s', (code, message, gone) => {
    expect(isPageGone(new NotionError(code, message))).toBe(gone);
  });
});
