import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importOrganisation } from '../../../tools/large-org/importer';
import type { Scale } from '../../../tools/large-org/organisation';

const TINY: Scale = { teams: 8, objectivesPerTeam: 2, quarters: 2 };
const REF = /\$ref:([A-Za-z0-9._-]+)/g;

interface Item {
  ref?: string;
  request: { method: string; path: string; body?: unknown };
}

/**
 * Import routes standing in for goals and check-ins: each item gets an id; a `$ref:` must name an
 * earlier item of the same request (400 otherwise, as the services answer). Check-ins' view lags once:
 * the first request holding an item that refers to an earlier item of it is refused at that item with
 * 503 `view-catching-up`, the items before it imported (422), as check-ins answers while its view of
 * goals catches up. Goals' list of objectives lags once too: the first request closing a cycle is
 * refused at that item in the same way, as goals answers while the list catches up.
 */
function fakeServices(): { server: Server; requests: { service: string; items: number; status: number }[] } {
  let next = 0;
  let lagged = false;
  let listLagged = false;
  const requests: { service: string; items: number; status: number }[] = [];
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => {
      const service = req.url?.endsWith('/check-ins') ? 'checkIns' : 'goals';
      const { items } = JSON.parse(text) as { items: Item[] };
      const answer = (status: number, body: unknown): void => {
        requests.push({ service, items: items.length, status });
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      };
      const named = new Set<string>();
      const refersBack = items.map((item) => {
        const refs = [...JSON.stringify(item.request).matchAll(REF)].map((m) => m[1] as string);
        const unknown = refs.find((name) => !named.has(name));
        if (item.ref) named.add(item.ref);
        return { refs, unknown };
      });
      const invalid = refersBack.findIndex(({ unknown }) => unknown !== undefined);
      if (invalid >= 0) {
        return answer(400, { code: 'validation-failed', errors: [{ field: `items.${invalid}.request.path`, message: `uses $ref:${refersBack[invalid]?.unknown}, which no earlier item of this request names` }] });
      }
      const results = items.map(() => ({ status: 201, body: { id: `id-${++next}` } }));
      const lagAt = refersBack.findIndex(({ refs }) => refs.length > 0);
      if (service === 'checkIns' && !lagged && lagAt > 0) {
        lagged = true;
        return answer(422, {
          code: 'import-item-failed',
          details: { index: lagAt, status: 503, problem: { code: 'view-catching-up' }, imported: lagAt, results: results.slice(0, lagAt) },
        });
      }
      const closingAt = items.findIndex((item) => item.request.path.endsWith('/closing'));
      if (service === 'goals' && !listLagged && closingAt >= 0) {
        listLagged = true;
        return answer(422, {
          code: 'import-item-failed',
          details: { index: closingAt, status: 503, problem: { code: 'view-catching-up' }, imported: closingAt, results: results.slice(0, closingAt) },
        });
      }
      answer(200, { results });
    });
  });
  return { server, requests };
}

describe('the large organisation importer against lagging views (check-ins\' view of goals, goals\' list of objectives)', () => {
  let dir: string;
  let fake: ReturnType<typeof fakeServices>;
  let url: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'okr-importer-'));
    fake = fakeServices();
    await new Promise<void>((done) => fake.server.listen(0, '127.0.0.1', done));
    url = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((done) => fake.server.close(done));
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends again from the item refused 503 view-catching-up, referring by id to the items acknowledged before it', async () => {
    const report = await importOrganisation({ tenant: 't', seed: 'test', scale: TINY, urls: { goals: url, checkIns: url }, token: 'x', journalPath: join(dir, 'journal'), bodyLimitBytes: 65_536 });
    const refused = fake.requests.flatMap((r, i) => (r.status === 422 ? [i] : []));
    expect(refused.map((i) => fake.requests[i]?.service).sort()).toEqual(['checkIns', 'goals']);
    // The next request is the rest of each refused one, accepted.
    for (const i of refused) expect(fake.requests[i + 1]).toMatchObject({ service: fake.requests[i]?.service, status: 200 });
    expect(fake.requests.filter((r) => r.status !== 200 && r.status !== 422)).toEqual([]);
    expect(report.sentWrites).toBe(report.writes);
  });
});
