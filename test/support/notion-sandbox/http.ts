/** Raw node:http helpers: read a request body, send a JSON answer. */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiError } from './errors.js';

/** The whole request body as UTF-8 text. */
export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Sends `body` as JSON with Notion's request-id header. */
export function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    'x-notion-request-id': randomUUID(),
    ...headers,
  });
  res.end(text);
}

/** Notion's error body for `e`, sharing its request id with the header. */
export function errorBody(e: ApiError, requestId: string): Record<string, unknown> {
  const body: Record<string, unknown> = {
    object: 'error',
    status: e.status,
    code: e.code,
    message: e.message,
    request_id: requestId,
  };
  if (e.additionalData) body['additional_data'] = e.additionalData;
  return body;
}
