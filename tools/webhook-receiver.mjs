#!/usr/bin/env node
// A webhook receiver for trying the notifications service: prints every notification it receives and
// whether its signature holds. `node tools/webhook-receiver.mjs [--port 4000] [--secret whsec_…]`
// (or OKR_WEBHOOK_SECRET). It does what a real receiver must: recompute
// HMAC-SHA256(secret, timestamp + "." + raw body), compare in constant time, refuse timestamps more
// than 5 minutes away, and drop a delivery id it has already handled.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { port: { type: 'string', default: '4000' }, secret: { type: 'string' } } });
const secret = values.secret ?? process.env.OKR_WEBHOOK_SECRET;
const seen = new Set();

const verify = (timestamp, body, signature) => {
  if (!secret) return 'not checked (no --secret)';
  if (!timestamp || Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return 'REJECTED: timestamp too old or missing';
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`);
  const given = Buffer.from(String(signature ?? ''));
  return expected.length === given.length && timingSafeEqual(expected, given) ? 'valid' : 'REJECTED: bad signature';
};

createServer((request, response) => {
  let body = '';
  request.on('data', (chunk) => (body += chunk));
  request.on('end', () => {
    const id = request.headers['x-okr-delivery'];
    const signature = verify(request.headers['x-okr-timestamp'], body, request.headers['x-okr-signature']);
    const duplicate = seen.has(id);
    seen.add(id);
    let summary = body;
    try {
      const parsed = JSON.parse(body);
      summary = `${parsed.rule}: ${parsed.subject}\n  ${parsed.body}`;
    } catch {
      // not JSON: print it as it came
    }
    process.stdout.write(`[${new Date().toISOString()}] delivery ${id} signature ${signature}${duplicate ? ' (repeat, ignored)' : ''}\n  ${summary}\n`);
    response.writeHead(signature.startsWith('REJECTED') ? 401 : 204).end();
  });
}).listen(Number(values.port), () => process.stdout.write(`listening on http://localhost:${values.port}/\n`));
