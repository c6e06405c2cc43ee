/** Loopback HTTP servers for the demo's receivers, and small waits. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A receiver as the functions export it (request with raw body, Express-like response). */
export type Handler = (
  req: { method: string; headers: Record<string, string | string[] | undefined>; rawBody?: Buffer },
  res: never,
) => Promise<void>;

/** A loopback HTTP server handing each request, with its raw body, to a receiver. */
export async function serve(handler: Handler): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const reply = {
        status(code: number) {
          res.statusCode = code;
          return reply;
        },
        set(field: string, value: string) {
          res.setHeader(field, value);
          return reply;
        },
        send(body?: string) {
          res.end(body ?? '');
        },
      };
      void handler(
        { method: req.method ?? 'GET', headers: req.headers, rawBody: Buffer.concat(chunks) },
        reply as never,
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/** Plain text of a title or rich_text property value. */
export const plainText = (value: unknown) =>
  (
    (value as { title?: unknown[]; rich_text?: unknown[] } | undefined)?.title ??
    (value as { rich_text?: unknown[] } | undefined)?.rich_text ??
    []
  )
    .map((t) => (t as { plain_text?: string }).plain_text ?? '')
    .join('');

/** Resolves once `done()` holds; throws after `ms`. */
export async function until(done: () => boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!done()) {
    if (Date.now() > end) throw new Error('the demo timed out waiting for the other side');
    await new Promise((r) => setTimeout(r, 20));
  }
}
