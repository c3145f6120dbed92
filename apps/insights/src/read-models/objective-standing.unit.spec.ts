import { atRiskReasons } from '../projections';
import type { ObjectiveSummaryDoc } from '../projections';
import { cyclesModel, type CycleDoc } from './cycles.read-model';
import { currentCycleOf, cycleLabel, objectiveStanding } from './objective-standing';
import { teamsModel } from './teams.read-model';

const q3: CycleDoc = { _id: 'q3', tenantId: 'acme', name: '2026-Q3', startsOn: '2026-07-01', endsOn: '2026-09-30', checkInCadenceDays: 7, plannedAt: '2026-06-22T09:00:00Z' };
const DURING = new Date('2026-08-15T00:00:00Z');
const AFTER = new Date('2026-11-15T00:00:00Z');
const meta = { tenantId: 'acme', actor: 'ceo', occurredAt: '2026-10-02T09:00:00Z' };

describe('objective standing', () => {
  it('is "ended, not graded" once its cycle has ended or closed, until graded', () => {
    expect(objectiveStanding({ status: 'active' }, q3, DURING)).toBe('active');
    expect(objectiveStanding({ status: 'active' }, q3, AFTER)).toBe('ended-not-graded');
    expect(objectiveStanding({ status: 'draft' }, { ...q3, closedAt: '2026-10-02T09:00:00Z' }, DURING)).toBe('ended-not-graded');
    expect(objectiveStanding({ status: 'closed' }, q3, AFTER)).toBe('graded');
    expect(objectiveStanding({ status: 'archived' }, q3, AFTER)).toBe('archived');
    expect(objectiveStanding({ status: 'active', carriedOverTo: { objectiveId: 'o2', cycleId: 'q4', reason: 'on' } }, q3, AFTER)).toBe('carried-over');
    expect(objectiveStanding({ status: 'active' }, null, AFTER)).toBe('active');
  });

  it('names the cycle with its status now', () => {
    expect(cycleLabel(q3, DURING)).toEqual({ id: 'q3', name: '2026-Q3', status: 'active' });
    expect(cycleLabel({ ...q3, closedAt: '2026-10-02T09:00:00Z' }, DURING)).toEqual({ id: 'q3', name: '2026-Q3', status: 'closed' });
  });

  it("picks a dashboard's current cycle: the active one, else the latest started, else the next upcoming", () => {
    const q4: CycleDoc = { ...q3, _id: 'q4', name: '2026-Q4', startsOn: '2026-10-01', endsOn: '2026-12-31' };
    const q1: CycleDoc = { ...q3, _id: 'q1', name: '2027-Q1', startsOn: '2027-01-01', endsOn: '2027-03-31' };
    expect(currentCycleOf([q3, q4, q1], new Date('2026-11-15T00:00:00Z'))?._id).toBe('q4');
    expect(currentCycleOf([q1, q3], new Date('2026-11-15T00:00:00Z'))?._id).toBe('q3');
    expect(currentCycleOf([q4, q1], new Date('2026-06-01T00:00:00Z'))?._id).toBe('q4');
    expect(currentCycleOf([], DURING)).toBeUndefined();
  });

  it('puts nothing at risk for pace, staleness or anything else once the cycle is over', () => {
    const summary = {
      _id: 'o1',
      status: 'active',
      activatedAt: '2026-07-01T08:00:00Z',
      keyResults: [
        { id: 'kr', dropped: false, kind: 'increase', measure: { kind: 'increase', start: 0, target: 10 }, value: 1, progress: 0.1, confidence: 2, recentConfidences: [7, 5, 2], lastCheckInAt: '2026-07-06T09:00:00Z', addedAt: '2026-06-25T10:00:00Z' },
      ],
    } as unknown as ObjectiveSummaryDoc;
    expect(atRiskReasons(summary, q3, DURING).length).toBe(1);
    expect(atRiskReasons(summary, q3, AFTER)).toEqual([]);
    expect(atRiskReasons(summary, { ...q3, closedAt: '2026-09-01T00:00:00Z' }, DURING)).toEqual([]);
  });
});

describe('cycles and teams read models', () => {
  it('follows renames, moves and the closing of a cycle', () => {
    const event = (type: string, data: object) => ({ id: type, type, streamId: 'cycle-q3', revision: 1, data, metadata: meta });
    expect(cyclesModel.project(event('CycleRenamed', { cycleId: 'q3', from: '2026-Q3', to: 'Q3' }), [])).toEqual([
      { updateOne: { filter: { _id: 'q3' }, update: { $set: { name: 'Q3' } } } },
    ]);
    expect(cyclesModel.project(event('CycleClosed', { cycleId: 'q3', closedAt: '2026-10-02T09:00:00Z', ungradedObjectives: [] }), [])).toEqual([
      { updateOne: { filter: { _id: 'q3' }, update: { $set: { closedAt: '2026-10-02T09:00:00Z' } } } },
    ]);
  });

  it('keeps a team per tenant with its display name and parent', () => {
    const registered = { id: 'e', type: 'TeamRegistered', streamId: 'team-acme:growth', revision: 0, data: { teamId: 'growth', name: 'Growth', parentTeamId: 'product', leads: ['gina'] }, metadata: meta };
    expect(teamsModel.project(registered, [])).toEqual([
      { replaceOne: { filter: { _id: 'acme:growth' }, replacement: { _id: 'acme:growth', tenantId: 'acme', teamId: 'growth', name: 'Growth', parentTeamId: 'product' }, upsert: true } },
    ]);
  });
});
