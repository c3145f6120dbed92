/**
 * What the benchmarks that start a service from dist/ need to talk to it: a GET over keep-alive
 * connections, a free port, a pause and a percentile.
 */
import { Agent, request as httpRequest } from 'node:http';
import { createServer } from 'node:net';

export interface Reply {
  status: number;
  body: string;
}

/** Keep-alive connections for {@link send} (destroy it when done). */
export const agent = new Agent({ keepAlive: true, maxSockets: 4 });

/** GET `path` of the service on `port`: its status and body. */
export function send(port: number, path: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((done, fail) => {
    const req = httpRequest({ host: '127.0.0.1', port, method: 'GET', path, agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => done({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
    });
    req.once('error', fail);
    req.end();
  });
}

/** A port nothing listens on now. */
export const freePort = (): Promise<number> =>
  new Promise((ok, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => ok(port));
    });
  });

export const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The `p`th percentile of ascending `sorted` values. */
export const percentile = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];
