import { connect } from 'node:net';
import { Controller, Get, Param } from '@nestjs/common';
import { createPlatformTestApp, type PlatformTestApp } from '../../testing';
import { Public } from '../auth/principal';

@Public()
@Controller('api/test')
class ThingsController {
  @Get('things/:id')
  get(@Param('id') id: string) {
    return { id };
  }
}

/** Sends raw bytes on a socket and returns the whole answer (the server closes the connection). */
function raw(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk.toString('utf8')));
    socket.on('close', () => resolve(answer));
    socket.on('error', (error) => (answer ? resolve(answer) : reject(error)));
    socket.end(request);
  });
}

const bodyOf = (answer: string) => JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) as Record<string, unknown>;

describe("Fastify's and Node's own refusals", () => {
  let t: PlatformTestApp;
  let port: number;
  beforeAll(async () => {
    t = await createPlatformTestApp({ controllers: [ThingsController] });
    await t.app.listen(0, '127.0.0.1');
    port = (t.app.getHttpServer().address() as { port: number }).port;
  });
  afterAll(() => t.close());

  it('answers a URL that does not decode with 400 problem+json', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/test/things/%E0%A4%A', headers: { 'x-correlation-id': 'bad-url-1' } });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(res.json()).toMatchObject({ status: 400, code: 'malformed-url', correlationId: 'bad-url-1' });
  });

  it('answers a path parameter longer than the router takes with 414 problem+json', async () => {
    const res = await t.app.inject({ method: 'GET', url: `/api/test/things/${'x'.repeat(5000)}` });
    expect(res.statusCode).toBe(414);
    expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(res.json()).toMatchObject({ status: 414, code: 'uri-too-long' });
  });

  it('answers a request line too long for the HTTP parser with 414 problem+json', async () => {
    const answer = await raw(port, `GET /api/test/things?q=${'x'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`);
    expect(answer).toMatch(/^HTTP\/1\.1 414 /);
    expect(answer).toContain('Content-Type: application/problem+json; charset=utf-8');
    expect(bodyOf(answer)).toMatchObject({ status: 414, code: 'uri-too-long', correlationId: expect.any(String) });
  });

  it('answers headers too large with 431 problem+json', async () => {
    const answer = await raw(port, `GET /api/test/things/1 HTTP/1.1\r\nHost: x\r\nX-Big: ${'x'.repeat(20_000)}\r\n\r\n`);
    expect(answer).toMatch(/^HTTP\/1\.1 431 /);
    expect(bodyOf(answer)).toMatchObject({ status: 431, code: 'headers-too-large' });
  });

  it('answers bytes that are not HTTP with 400 problem+json', async () => {
    const answer = await raw(port, 'HELLO THERE\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(bodyOf(answer)).toMatchObject({ status: 400, code: 'malformed-request' });
  });

  it('still serves an ordinary request on the same server', async () => {
    const answer = await raw(port, 'GET /api/test/things/1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 200 /);
  });
});
