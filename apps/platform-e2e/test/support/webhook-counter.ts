import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One webhook request as the receiver saw it. */
export interface Arrival {
  deliveryId: string;
  rule: string;
  /** Order of arrival among all requests (for "was a replica killed between two arrivals"). */
  seq: number;
}

/** A tenant's webhook endpoint on 127.0.0.1 that answers 200 and counts requests by delivery id. */
export interface WebhookCounter {
  url: string;
  arrivals: Arrival[];
  /** How many requests each delivery id got. */
  counts(): Map<string, number>;
  /** The sequence number the next arrival will get: taken at a kill, to place the kill among arrivals. */
  mark(): number;
  close(): Promise<void>;
}

export async function startWebhookCounter(): Promise<WebhookCounter> {
  const arrivals: Arrival[] = [];
  let seq = 0;
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      arrivals.push({ deliveryId: String(request.headers['x-okr-delivery']), rule: String(request.headers['x-okr-event']), seq: seq++ });
      response.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/okr`,
    arrivals,
    counts: () => {
      const counts = new Map<string, number>();
      for (const { deliveryId } of arrivals) counts.set(deliveryId, (counts.get(deliveryId) ?? 0) + 1);
      return counts;
    },
    mark: () => seq,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
