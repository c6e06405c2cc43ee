import { createConnection, createServer, type Socket } from 'node:net';

/** A TCP forwarder in front of a server (the Firestore emulator) that can stall: bytes wait while paused. */
export interface StallableProxy {
  /** `127.0.0.1:PORT`, for `FIRESTORE_EMULATOR_HOST`. */
  host: string;
  /** Holds every byte both ways (connections stay open, nothing is lost) until `resume`. */
  pause(): void;
  resume(): void;
  close(): Promise<void>;
}

/** Starts a proxy on a free loopback port forwarding to `target` (`host:port`). */
export async function startStallableProxy(target: string): Promise<StallableProxy> {
  const [targetHost, targetPort] = target.split(':');
  const pairs = new Set<[Socket, Socket]>();
  let paused = false;
  const server = createServer((client) => {
    const upstream = createConnection({ host: targetHost ?? '127.0.0.1', port: Number(targetPort) });
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    if (paused) for (const s of pair) s.pause();
    client.pipe(upstream);
    upstream.pipe(client);
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    host: `127.0.0.1:${port}`,
    pause() {
      paused = true;
      for (const pair of pairs) for (const s of pair) s.pause();
    },
    resume() {
      paused = false;
      for (const pair of pairs) for (const s of pair) s.resume();
    },
    async close() {
      for (const [a, b] of pairs) {
        a.destroy();
        b.destroy();
      }
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
