import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { GoalsModule } from '@okr/goals-app';
import { type Call, caller, createInsightsTestApp, eventually, type InsightsTestApp, RiskSignals, startServiceApp } from '@okr/insights-app/testing';

const WAIT_MS = 30_000;
const isoDay = (days: number): string => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

/** Cycles' status and teams' names as insights shows them, from goals' events. */
describe('insights: cycles that end and close, teams by name', () => {
  let insights: InsightsTestApp;
  let goals: NestFastifyApplication;
  let inGoals: (method: string, url: string, options?: { body?: unknown }) => Promise<Call>;
  let cycleId: string;
  let objectiveId: string;

  beforeAll(async () => {
    insights = await createInsightsTestApp();
    goals = await startServiceApp((config, logs) => GoalsModule.forRoot(config, logs), insights.dataDir);
    inGoals = caller(goals, await insights.token('acme', 'alice', ['admin']));
    expect((await inGoals('PUT', '/api/v1/teams/product', { body: { name: 'Product' } })).status).toBe(200);
    expect((await inGoals('PUT', '/api/v1/teams/growth', { body: { name: 'Growth', parentTeamId: 'product', leads: ['gina'] } })).status).toBe(200);
    // Ended ten days ago, never graded: with no progress it would be far behind pace if it still ran.
    cycleId = (await inGoals('POST', '/api/v1/cycles', { body: { name: 'Last quarter', startsOn: isoDay(-100), endsOn: isoDay(-10), checkInCadenceDays: 7 } })).body.id;
    objectiveId = (await inGoals('POST', '/api/v1/objectives', { body: { cycleId, teamId: 'growth', title: 'New customers succeed' } })).body.id;
    await inGoals('POST', `/api/v1/objectives/${objectiveId}/key-results`, { body: { title: 'Week-1 activation', kind: 'increase', start: 20, target: 40 } });
    expect((await inGoals('POST', `/api/v1/objectives/${objectiveId}/activation`)).status).toBe(200);
  });
  afterAll(async () => {
    await goals.close();
    await insights.close(true);
  });

  it('shows an objective of an ended cycle as "ended, not graded", with the team by name, and nothing at risk', async () => {
    const summary = await eventually(async () => {
      const r = await insights.call('GET', `/api/v1/objectives/${objectiveId}/summary`);
      return r.status === 200 && r.body.status === 'active' && r.body.cycle !== null && r.body.teamName === 'Growth' && r;
    }, WAIT_MS, 'the summary with its cycle and team');
    expect(summary.body).toMatchObject({ teamId: 'growth', teamName: 'Growth', cycle: { id: cycleId, name: 'Last quarter', status: 'ended' }, standing: 'ended-not-graded' });
    expect((await insights.call('GET', '/api/v1/at-risk')).body.items).toEqual([]);
    const dashboard = await insights.call('GET', '/api/v1/teams/growth/dashboard');
    expect(dashboard.body).toMatchObject({ teamName: 'Growth', parentTeamId: 'product', objectives: [{ id: objectiveId, standing: 'ended-not-graded', atRisk: false }] });
    const tree = await insights.call('GET', `/api/v1/alignment-tree?cycleId=${cycleId}`);
    expect(tree.body.roots).toEqual([expect.objectContaining({ id: objectiveId, teamId: 'growth', teamName: 'Growth', parentTeamId: 'product' })]);
    const assessment = await insights.app.get(RiskSignals).assessObjective('acme', objectiveId);
    expect(assessment).toEqual({ objectiveId, appended: [], failed: 0, skipped: 'cycle-over' });
  });

  it('shows the cycle closed once closed, and a team unknown to the registry by its id', async () => {
    expect((await inGoals('POST', `/api/v1/cycles/${cycleId}/closing`)).status).toBe(200);
    const summary = await eventually(async () => {
      const r = await insights.call('GET', `/api/v1/objectives/${objectiveId}/summary`);
      return r.body.cycle?.status === 'closed' && r;
    }, WAIT_MS, 'the closed cycle');
    expect(summary.body.standing).toBe('ended-not-graded');
    const unknown = (await inGoals('POST', '/api/v1/objectives', { body: { cycleId, teamId: 'ghosts', title: 'Unregistered team' } })).body.id;
    const ghost = await eventually(async () => {
      const r = await insights.call('GET', `/api/v1/objectives/${unknown}/summary`);
      return r.status === 200 && r;
    }, WAIT_MS, 'the second summary');
    expect(ghost.body).toMatchObject({ teamId: 'ghosts', teamName: 'ghosts' });
  });

  it("shows a team's current cycle on its dashboard unless another is asked for", async () => {
    const current = (await inGoals('POST', '/api/v1/cycles', { body: { name: 'This quarter', startsOn: isoDay(-9), endsOn: isoDay(80), checkInCadenceDays: 7 } })).body.id;
    const now = (await inGoals('POST', '/api/v1/objectives', { body: { cycleId: current, teamId: 'growth', title: 'Teams adopt the new onboarding' } })).body.id;
    const dashboard = await eventually(async () => {
      const r = await insights.call('GET', '/api/v1/teams/growth/dashboard');
      return r.body.cycle?.id === current && r;
    }, WAIT_MS, "the dashboard of the team's current cycle");
    expect(dashboard.body.cycle).toEqual({ id: current, name: 'This quarter', status: 'active' });
    expect(dashboard.body.objectives.map((o: { id: string }) => o.id)).toEqual([now]);
    expect(dashboard.body.cycles.map((c: { name: string }) => c.name)).toEqual(['This quarter', 'Last quarter']);
    const last = await insights.call('GET', `/api/v1/teams/growth/dashboard?cycleId=${cycleId}`);
    expect(last.body.objectives.map((o: { id: string }) => o.id)).toEqual([objectiveId]);
  });
});
