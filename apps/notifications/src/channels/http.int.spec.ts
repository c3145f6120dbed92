import dns from 'node:dns';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { sendChat } from './chat';
import { pinnedLookup, postJson, requestOptionsOf, type PinnedAddress } from './http';
import { startHttpReceiver, type HttpReceiver } from './testing/http-receiver';
import type { OutgoingNotification } from './types';
import { sendWebhook } from './webhook';

/** A name that exists in no DNS (RFC 6761 reserves .test): only a pinned request can reach it. */
const REBIND = 'hooks.rebind.test';
const LOOPBACK: PinnedAddress[] = [{ address: '127.0.0.1', family: 4 }];

const notification: OutgoingNotification = {
  deliveryId: 'd-pin-1',
  tenantId: 'acme',
  rule: 'at-risk',
  recipient: 'webhook:wh-1',
  subject: 'Objective at risk',
  body: 'Key result fell.',
  triggeredBy: 'evt-1',
  createdAt: '2026-11-27T09:29:58.000Z',
  attempt: 1,
};

const post = (url: string, pinned?: readonly PinnedAddress[], timeoutMs = 5000) =>
  postJson({ url, body: '{"hello":"world"}', timeoutMs, pinned, headers: { 'X-Okr-Delivery': 'd-1' } });

const portOf = (server: Server) => (server.address() as AddressInfo).port;

/**
 * Records every name the process's resolver (`dns.lookup`, what the HTTP client uses) is asked for
 * while a test runs; `.test` names fail at once with ENOTFOUND, as from a real resolver, others go to it.
 */
function watchDns(): { asked: string[]; restore(): void } {
  const asked: string[] = [];
  const real = dns.lookup;
  const spy = jest.spyOn(dns, 'lookup').mockImplementation(((hostname: string, ...rest: unknown[]) => {
    asked.push(hostname);
    if (hostname.endsWith('.test')) {
      const callback = rest.at(-1) as (error: NodeJS.ErrnoException) => void;
      process.nextTick(() => callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' })));
      return undefined;
    }
    return (real as (...args: unknown[]) => unknown)(hostname, ...rest);
  }) as unknown as typeof dns.lookup);
  return { asked, restore: () => spy.mockRestore() };
}

describe('postJson with pinned addresses', () => {
  let receiver: HttpReceiver;
  let port: number;
  let resolver: ReturnType<typeof watchDns>;

  beforeEach(async () => {
    receiver = await startHttpReceiver(() => ({ status: 200, body: 'ok' }));
    port = Number(new URL(receiver.origin).port);
    resolver = watchDns();
  });
  afterEach(async () => {
    resolver.restore();
    await receiver.close();
  });

  it('reaches the pinned address for a name no DNS knows, with the name (and port) in the Host header; DNS is never asked', async () => {
    const outcome = await post(`http://${REBIND}:${port}/x?y=1`, LOOPBACK);
    expect(outcome).toEqual({ kind: 'delivered', statusCode: 200, detail: 'ok' });
    expect(receiver.requests).toHaveLength(1);
    const [request] = receiver.requests;
    expect(request).toMatchObject({ method: 'POST', path: '/x?y=1', body: '{"hello":"world"}' });
    expect(request.headers).toMatchObject({
      host: `${REBIND}:${port}`,
      'content-type': 'application/json',
      'user-agent': 'okr-notifications/1',
      'content-length': '17',
      'x-okr-delivery': 'd-1',
    });
    expect(resolver.asked).not.toContain(REBIND);
  });

  it('without pinned addresses that name does not resolve: retry, nothing sent', async () => {
    const outcome = await post(`http://${REBIND}:${port}/x`);
    expect(outcome).toMatchObject({ kind: 'retry', error: expect.stringMatching(/^request failed: .*ENOTFOUND/) });
    expect(receiver.requests).toHaveLength(0);
    expect(resolver.asked).toContain(REBIND);
  });

  it('sendWebhook and sendChat pass the pinned addresses on', async () => {
    const hook = await sendWebhook({ url: `http://${REBIND}:${port}/hook`, secret: 'whsec_x', notification, timeoutMs: 5000, pinned: LOOPBACK });
    const chat = await sendChat({ url: `http://${REBIND}:${port}/services/T/B/secret`, format: 'slack', notification, timeoutMs: 5000, pinned: LOOPBACK });
    expect([hook.kind, chat.kind]).toEqual(['delivered', 'delivered']);
    expect(receiver.requests.map((r) => [r.path, r.headers.host])).toEqual([
      ['/hook', `${REBIND}:${port}`],
      ['/services/T/B/secret', `${REBIND}:${port}`],
    ]);
    expect(receiver.requests[0].headers['x-okr-signature']).toMatch(/^sha256=/);
    expect(resolver.asked).not.toContain(REBIND);
  });

  it('the pinned address wins over what the name resolves to', async () => {
    // localhost resolves to the receiver's 127.0.0.1; pinned to 127.0.0.2, where nothing listens.
    const outcome = await post(`http://localhost:${port}/x`, [{ address: '127.0.0.2', family: 4 }], 1000);
    expect(outcome.kind).toBe('retry');
    expect(receiver.requests).toHaveLength(0);
    expect(resolver.asked).not.toContain('localhost');
    // Unpinned, the same URL is resolved and delivered as before.
    expect(await post(`http://localhost:${port}/x`)).toMatchObject({ kind: 'delivered' });
  });

  it('tries every pinned address in turn', async () => {
    const outcome = await post(`http://${REBIND}:${port}/x`, [{ address: '127.0.0.2', family: 4 }, ...LOOPBACK]);
    expect(outcome).toMatchObject({ kind: 'delivered' });
    expect(receiver.requests).toHaveLength(1);
  });

  it('an empty pinned list connects nowhere: retry, nothing sent, DNS not asked', async () => {
    const outcome = await post(`http://${REBIND}:${port}/x`, []);
    expect(outcome).toEqual({ kind: 'retry', error: 'request failed: no approved address to connect to' });
    expect(receiver.requests).toHaveLength(0);
    expect(resolver.asked).not.toContain(REBIND);
  });

  it('an IP-literal URL connects to the literal', async () => {
    expect(await post(`${receiver.origin}/x`, LOOPBACK)).toMatchObject({ kind: 'delivered' });
    expect(receiver.requests[0].headers.host).toBe(`127.0.0.1:${port}`);
  });

  it('still rejects what it rejected before sending: invalid URL, credentials, other schemes, bad header values', async () => {
    expect(await post('not a url', LOOPBACK)).toEqual({ kind: 'reject', error: 'invalid URL' });
    expect(await post(`http://user:pw@${REBIND}:${port}/x`, LOOPBACK)).toEqual({ kind: 'reject', error: 'the URL must not carry credentials' });
    expect(await post(`ftp://${REBIND}/x`, LOOPBACK)).toMatchObject({ kind: 'reject', error: 'unsupported URL scheme ftp, expected http or https' });
    const bad = await postJson({ url: `http://${REBIND}:${port}/x`, body: '{}', timeoutMs: 5000, pinned: LOOPBACK, headers: { 'X-Okr-Delivery': 'a\r\nX-Evil: 1' } });
    expect(bad).toMatchObject({ kind: 'reject', error: expect.stringMatching(/^invalid request: /) });
    expect(receiver.requests).toHaveLength(0);
  });
});

describe('postJson reading the response body', () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    server = undefined;
  });

  const serve = async (handler: Parameters<typeof createHttpServer>[1]) => {
    server = createHttpServer(handler);
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    return `http://${REBIND}:${portOf(server)}`;
  };

  it('a body that never ends: the status decides once the timeout comes, with what was read as the detail', async () => {
    const origin = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.write('accepted, still ');
    });
    const started = Date.now();
    expect(await post(`${origin}/x`, LOOPBACK, 300)).toEqual({ kind: 'delivered', statusCode: 200, detail: 'accepted, still' });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('a huge body is read up to a bound only; the error keeps its first 512 characters', async () => {
    let written = 0;
    const origin = await serve((_req, res) => {
      res.writeHead(503, { 'Retry-After': '120' });
      const chunk = 'y'.repeat(64 * 1024);
      // Up to 8 MiB, written only as fast as it is read.
      const more = () => {
        while (written < 8 * 1024 * 1024) {
          written += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', more);
        }
        res.end();
      };
      more();
    });
    const outcome = await post(`${origin}/x`, LOOPBACK, 5000);
    expect(outcome).toMatchObject({ kind: 'retry', statusCode: 503, error: expect.stringMatching(/^HTTP 503 Service Unavailable \(Retry-After: 120\): y+…$/) });
    expect(outcome.kind !== 'delivered' && outcome.error.length).toBe(512);
    expect(written).toBeLessThan(8 * 1024 * 1024);
  });

  it('a connection closed before any response -> retry', async () => {
    const origin = await serve((req) => req.socket.destroy());
    expect(await post(`${origin}/x`, LOOPBACK)).toMatchObject({ kind: 'retry', error: expect.stringMatching(/^request failed: /) });
  });
});

/** The server name (SNI) of a TLS ClientHello, or undefined when there is none. */
function serverNameOf(hello: Buffer): string | undefined {
  // TLS record (5) | handshake type and length (4) | version (2) | random (32) | session id | ciphers | compression | extensions
  let at = 5 + 4 + 2 + 32;
  at += 1 + hello[at];
  at += 2 + hello.readUInt16BE(at);
  at += 1 + hello[at];
  const end = at + 2 + hello.readUInt16BE(at);
  at += 2;
  while (at + 4 <= end) {
    const type = hello.readUInt16BE(at);
    const length = hello.readUInt16BE(at + 2);
    if (type === 0) {
      // server_name_list length (2) | name type (1, 0 = host_name) | name length (2) | name
      const nameLength = hello.readUInt16BE(at + 4 + 3);
      return hello.subarray(at + 4 + 5, at + 4 + 5 + nameLength).toString('ascii');
    }
    at += 4 + length;
  }
  return undefined;
}

describe('https to a pinned address', () => {
  it('connects to the pinned address and sends the URL host as the TLS server name (SNI)', async () => {
    // A bare TCP server that keeps the ClientHello and hangs up: no certificate needed to see the SNI.
    const hellos: Buffer[] = [];
    const sockets = new Set<Socket>();
    const tcp = createTcpServer((socket) => {
      sockets.add(socket);
      socket.once('data', (data: Buffer) => {
        hellos.push(data);
        socket.destroy();
      });
    });
    await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
    const { port } = tcp.address() as AddressInfo;
    try {
      const outcome = await post(`https://${REBIND}:${port}/services/T/B/secret`, LOOPBACK, 3000);
      expect(outcome).toMatchObject({ kind: 'retry', error: expect.stringMatching(/^request failed: /) });
      expect(JSON.stringify(outcome)).not.toContain('secret');
      expect(hellos).toHaveLength(1);
      expect(hellos[0][0]).toBe(0x16); // a TLS handshake record
      expect(serverNameOf(hellos[0])).toBe(REBIND);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => tcp.close(resolve));
    }
  });
});

describe('requestOptionsOf', () => {
  const headers = { 'Content-Type': 'application/json' };

  it('https to a host name: the host as servername and in the Host header, the pinned addresses from the lookup', async () => {
    const options = requestOptionsOf(new URL('https://hooks.slack.com/services/T/B/x?a=1'), headers, [
      { address: '34.226.36.52', family: 4 },
      { address: '2600:1f18:24e6:b900::1', family: 6 },
    ]);
    expect(options).toMatchObject({
      method: 'POST',
      protocol: 'https:',
      hostname: 'hooks.slack.com',
      servername: 'hooks.slack.com',
      path: '/services/T/B/x?a=1',
      headers: { ...headers, Host: 'hooks.slack.com' },
      agent: false,
    });
    expect(options.port).toBeUndefined();
    const lookup = options.lookup;
    expect(lookup).toBeDefined();
    const all = await new Promise((resolve, reject) =>
      lookup?.('hooks.slack.com', { all: true }, (error, addresses) => (error ? reject(error) : resolve(addresses))),
    );
    expect(all).toEqual([
      { address: '34.226.36.52', family: 4 },
      { address: '2600:1f18:24e6:b900::1', family: 6 },
    ]);
  });

  it('no servername for http nor for an IP literal; IPv6 brackets dropped; the port kept in the Host header', () => {
    expect(requestOptionsOf(new URL('http://hooks.example.com:8080/x'), headers)).toMatchObject({
      hostname: 'hooks.example.com',
      port: 8080,
      headers: { Host: 'hooks.example.com:8080' },
    });
    expect(requestOptionsOf(new URL('http://hooks.example.com:8080/x'), headers).servername).toBeUndefined();
    const literal = requestOptionsOf(new URL('https://[2606:4700::1]:8443/x'), headers, [{ address: '2606:4700::1', family: 6 }]);
    expect(literal).toMatchObject({ hostname: '2606:4700::1', port: 8443, headers: { Host: '[2606:4700::1]:8443' } });
    expect(literal.servername).toBeUndefined();
  });

  it('without pinned addresses there is no custom lookup (the host name is resolved as usual)', () => {
    expect(requestOptionsOf(new URL('https://hooks.slack.com/x'), headers).lookup).toBeUndefined();
  });
});

describe('pinnedLookup', () => {
  const pinned: PinnedAddress[] = [
    { address: '93.184.216.34', family: 4 },
    { address: '2606:2800:220:1:248:1893:25c8:1946', family: 6 },
    { address: 'not-an-ip', family: 4 },
  ];
  const ask = (hostname: string, options: dns.LookupOptions) =>
    new Promise<{ error: NodeJS.ErrnoException | null; address: unknown; family?: number }>((resolve) =>
      pinnedLookup('hooks.example.com', pinned)(hostname, options, (error, address, family) => resolve({ error, address, family })),
    );

  it('answers the pinned addresses, all or the first, of the family asked for', async () => {
    expect(await ask('hooks.example.com', { all: true })).toMatchObject({
      error: null,
      address: [
        { address: '93.184.216.34', family: 4 },
        { address: '2606:2800:220:1:248:1893:25c8:1946', family: 6 },
      ],
    });
    expect(await ask('hooks.example.com', {})).toEqual({ error: null, address: '93.184.216.34', family: 4 });
    expect(await ask('hooks.example.com', { family: 6 })).toEqual({ error: null, address: '2606:2800:220:1:248:1893:25c8:1946', family: 6 });
    expect(await ask('hooks.example.com', { family: 4, all: true })).toMatchObject({ address: [{ address: '93.184.216.34', family: 4 }] });
  });

  it('answers nothing for another name, or when no pinned address is of the family asked for', async () => {
    expect((await ask('elsewhere.example.com', { all: true })).error).toMatchObject({ code: 'ENOTFOUND' });
    const v4only = await new Promise<NodeJS.ErrnoException | null>((resolve) =>
      pinnedLookup('h', [{ address: '93.184.216.34', family: 4 }])('h', { family: 6 }, (error) => resolve(error)),
    );
    expect(v4only).toMatchObject({ code: 'ENOTFOUND' });
  });
});
