import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { verifyExport, type ExportManifest } from '@okr/event-store';
import { GoalsModule } from '@okr/goals-app';
import { CheckInsModule } from '@okr/check-ins-app';
import { caller, createInsightsTestApp, eventually, type InsightsTestApp, runAuditVerify, startServiceApp } from '@okr/insights-app/testing';

async function* linesOf(text: string): AsyncIterable<string> {
  yield* text.split('\n');
}

describe('audit: hash chain verification and auditor exports', () => {
  let insights: InsightsTestApp;
  let goals: NestFastifyApplication;
  let checkIns: NestFastifyApplication;
  let cycleId: string;
  let objectiveId: string;
  let keyResultId: string;
  let learningId: string;

  beforeAll(async () => {
    insights = await createInsightsTestApp();
    goals = await startServiceApp((config, logs) => GoalsModule.forRoot(config, logs), insights.dataDir);
    checkIns = await startServiceApp((config, logs) => CheckInsModule.forRoot(config, logs), insights.dataDir);
    const inGoals = caller(goals, await insights.token('acme', 'alice', ['admin']));
    const inCheckIns = caller(checkIns, await insights.token('acme', 'bob', ['admin']));
    cycleId = (await inGoals('POST', '/api/v1/cycles', { body: { name: '2026-Q4', startsOn: '2026-10-01', endsOn: '2026-12-31', checkInCadenceDays: 7 } })).body.id;
    objectiveId = (await inGoals('POST', '/api/v1/objectives', { body: { cycleId, teamId: 'growth', title: 'New customers succeed' } })).body.id;
    keyResultId = (
      await inGoals('POST', `/api/v1/objectives/${objectiveId}/key-results`, { body: { title: 'Week-1 activation', kind: 'increase', start: 20, target: 40, unit: '%' } })
    ).body.id;
    await eventually(async () => {
      const r = await inCheckIns('POST', `/api/v1/key-results/${keyResultId}/check-ins`, { body: { value: 30, confidence: 8, effectiveAt: '2026-10-12' } });
      return r.status !== 503 && r;
    }, 30_000, 'check-in accepted');
    const learning = await inCheckIns('POST', '/api/v1/learnings', {
      body: {
        objectiveId,
        keyResultIds: [keyResultId],
        tried: 'A guided import',
        result: 'invalidated',
        insight: 'Users stall on permissions',
        nextStep: 'Ship a checklist',
        evidence: [{ kind: 'customer-interview', summary: '7 of 10 admins could not grant access' }],
        tags: [],
      },
    });
    expect(learning.status).toBe(201);
    learningId = learning.body.id;
  }, 60_000);

  afterAll(async () => {
    await checkIns?.close();
    await goals?.close();
    await insights?.close(true);
  });

  const exportOf = async (query: string, roles = ['auditor']) =>
    insights.app.inject({ method: 'GET', url: `/api/v1/audit/exports?${query}`, headers: { authorization: `Bearer ${await insights.token('acme', 'carol', roles)}` } });

  it('verifies an intact stream: every event chained, its head hash', async () => {
    const r = await insights.call('GET', `/api/v1/audit/objective-${objectiveId}/verify`);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ streamId: `objective-${objectiveId}`, events: 2, intact: true, unchainedBefore: 0, headHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });

  it("exports a cycle (cycle, objectives, check-ins, learnings) as JSON Lines whose manifest checks out offline", async () => {
    const r = await exportOf(`cycleId=${cycleId}`);
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toContain('application/x-ndjson');
    const lines = r.body.trimEnd().split('\n');
    const { manifest } = JSON.parse(lines[lines.length - 1]) as { manifest: ExportManifest };
    expect(manifest.streams.map((s) => s.streamId)).toEqual([`cycle-${cycleId}`, `objective-${objectiveId}`, `checkins-${keyResultId}`, `learning-${learningId}`]);
    expect(manifest).toMatchObject({ tenantId: 'acme', scope: { cycleId } });
    expect(lines).toHaveLength(manifest.streams.reduce((sum, s) => sum + s.events, 0) + 1);
    expect(await verifyExport(linesOf(r.body))).toMatchObject({ intact: true, digestMatches: true });

    const file = join(insights.dataDir, 'cycle-export.ndjson');
    await writeFile(file, r.body);
    const out: string[] = [];
    expect(await runAuditVerify(['--file', file], {}, (text) => out.push(text))).toBe(0);
    await writeFile(file, r.body.replace('Users stall on permissions', 'Users love permissions'));
    expect(await runAuditVerify(['--file', file], {}, (text) => out.push(text))).toBe(1);
  });

  it('lets auditors and admins export, nobody else; one of stream or cycleId; 404 for what the tenant does not hold', async () => {
    expect((await exportOf(`stream=objective-${objectiveId}`, ['admin'])).statusCode).toBe(200);
    const member = await exportOf(`stream=objective-${objectiveId}`, []);
    expect(member.statusCode).toBe(403);
    expect((await exportOf(`stream=objective-${objectiveId}&cycleId=${cycleId}`)).statusCode).toBe(400);
    expect((await exportOf('')).statusCode).toBe(400);
    const globex = await insights.app.inject({
      method: 'GET',
      url: `/api/v1/audit/exports?stream=objective-${objectiveId}`,
      headers: { authorization: `Bearer ${await insights.token('globex', 'mallory', ['auditor'])}` },
    });
    expect(globex.statusCode).toBe(404);
    expect((await insights.call('GET', `/api/v1/audit/objective-${objectiveId}/verify`, { token: await insights.token('globex', 'mallory') })).status).toBe(404);
  });

  it('reports the first broken link after a row is changed in the SQLite file, over HTTP and from npm run audit:verify', async () => {
    const raw = new Database(join(insights.dataDir, 'events.sqlite'));
    try {
      const changed = raw
        .prepare(`UPDATE events SET data = json_set(data, '$.title', 'Rewritten') WHERE stream_id = ? AND revision = 0`)
        .run(`objective-${objectiveId}`).changes;
      expect(changed).toBe(1);
    } finally {
      raw.close();
    }
    const r = await insights.call('GET', `/api/v1/audit/objective-${objectiveId}/verify`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ intact: false, firstBrokenLink: { revision: 0, reason: 'hash-mismatch' } });

    const env = { OKR_DATA_DIR: insights.dataDir };
    const out: string[] = [];
    expect(await runAuditVerify(['--tenant', 'acme'], env, (text) => out.push(text))).toBe(1);
    const report = JSON.parse(out.join(''));
    expect(report.broken).toEqual([expect.objectContaining({ streamId: `objective-${objectiveId}`, firstBrokenLink: expect.objectContaining({ revision: 0 }) })]);
    expect(await runAuditVerify(['--tenant', 'acme', '--stream', `checkins-${keyResultId}`], env, () => undefined)).toBe(0);
    expect(await runAuditVerify(['--tenant', 'globex'], env, () => undefined)).toBe(0);
    expect(await runAuditVerify(['--stream', 'x'], env, () => undefined)).toBe(2);
  });
});
