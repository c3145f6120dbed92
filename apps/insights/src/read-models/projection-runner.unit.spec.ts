import type { IntegrationEvent, IntegrationEventConsumer } from '@okr/messaging';
import { HealthIndicatorService } from '@nestjs/terminus';
import { EmbeddedReadStore } from '@okr/read-store';
import { APPLIED, appliedId, type ReadModel } from '@okr/messaging';
import { objectiveSummaryModel } from '../projections';
import { atRiskOptionsFrom } from './at-risk.config';
import { cyclesModel } from './cycles.read-model';
import { ProjectionRunner } from './projection-runner';

const event = (type: string, streamId: string, revision: number, data: unknown, tenantId = 'acme'): IntegrationEvent =>
  ({
    id: `${streamId}/${revision}`,
    type,
    schemaVersion: 1,
    streamId,
    key: streamId.split('-').slice(1).join('-'),
    revision,
    position: revision,
    data,
    metadata: { tenantId, actor: 'alice', occurredAt: '2026-10-01T09:00:00.000Z' },
  }) as unknown as IntegrationEvent;

const cyclePlanned = event('CyclePlanned', 'cycle-c1', 0, {
  cycleId: 'c1',
  name: '2026-Q4',
  startsOn: '2026-10-01',
  endsOn: '2026-12-31',
  checkInCadenceDays: 7,
});
const objectiveSet = event('ObjectiveSet', 'objective-o1', 0, {
  objectiveId: 'o1',
  cycleId: 'c1',
  teamId: 'growth',
  ownerId: 'alice',
  title: 'Activation',
});

describe('ProjectionRunner.apply', () => {
  let store: EmbeddedReadStore;
  let runner: ProjectionRunner;

  beforeEach(() => {
    store = EmbeddedReadStore.open({ file: ':memory:' });
    runner = new ProjectionRunner({} as IntegrationEventConsumer, store, new HealthIndicatorService());
  });
  afterEach(() => store.close());

  it('writes the documents and the applied revision, and skips a redelivery', async () => {
    expect(await runner.apply(cyclesModel as unknown as ReadModel, cyclePlanned)).toBe(true);
    expect(await runner.apply(cyclesModel as unknown as ReadModel, cyclePlanned)).toBe(false);
    const cycles = await store.collection({ name: cyclesModel.name });
    expect(await cycles.find()).toEqual([
      expect.objectContaining({ _id: 'c1', tenantId: 'acme', startsOn: '2026-10-01', checkInCadenceDays: 7 }),
    ]);
    const applied = await store.collection({ name: APPLIED });
    expect(await applied.findOne({ _id: appliedId('cycles', 'cycle-c1') })).toMatchObject({ revision: 0, tenantId: 'acme' });
  });

  it('skips event types the read model does not handle, writing nothing', async () => {
    expect(await runner.apply(cyclesModel as unknown as ReadModel, objectiveSet)).toBe(false);
    expect(await store.listCollections()).not.toContain(APPLIED);
  });

  it('writes neither documents nor the applied record when projecting fails', async () => {
    const failing: ReadModel = {
      ...(objectiveSummaryModel as unknown as ReadModel),
      project: (e, current) => {
        const operations = (objectiveSummaryModel as unknown as ReadModel).project(e, current);
        return [...operations, { insertOne: { document: { _id: 'o1' } } }]; // duplicate _id: the bulk write throws
      },
    };
    await expect(runner.apply(failing, objectiveSet)).rejects.toThrow();
    const summaries = await store.collection({ name: objectiveSummaryModel.name });
    const applied = await store.collection({ name: APPLIED });
    expect(await summaries.count()).toBe(0);
    expect(await applied.count()).toBe(0);
    // The redelivery then applies it.
    expect(await runner.apply(objectiveSummaryModel as unknown as ReadModel, objectiveSet)).toBe(true);
    expect(await summaries.findOne({ _id: 'o1' })).toMatchObject({ title: 'Activation', tenantId: 'acme' });
  });
});

describe('ProjectionRunner.onApplied', () => {
  it('tells its listeners of each event a live consumer applied, after the commit, and not of a skipped redelivery', async () => {
    const store = EmbeddedReadStore.open({ file: ':memory:' });
    const handlers = new Map<string, Record<string, (e: IntegrationEvent) => Promise<void>>>();
    // The whole consumer port: a missing method fails the runner's start, which it retries forever.
    const consumer = {
      reset: jest.fn(),
      caughtUp: jest.fn(async () => true),
      lag: jest.fn(async () => []),
      listGroups: jest.fn(async () => []),
      deleteIdleGroups: jest.fn(async () => ({ deleted: [], kept: [] })),
      start: jest.fn(async (options: { group: string; handlers: Record<string, (e: IntegrationEvent) => Promise<void>> }) => {
        handlers.set(options.group, options.handlers);
        return { stop: async () => undefined };
      }),
    } as unknown as IntegrationEventConsumer;
    const runner = new ProjectionRunner(consumer, store, new HealthIndicatorService());
    const heard: [string, string, unknown][] = [];
    runner.onApplied(async (model, e) => {
      const cycles = await store.collection({ name: cyclesModel.name });
      heard.push([model.name, e.id, (await cycles.findOne({ _id: 'c1' }))?._id]);
    });
    await runner.onApplicationBootstrap();
    await runner.started();
    const cyclePlannedHandler = handlers.get(runner.groupOf(cyclesModel))?.['CyclePlanned'];
    await cyclePlannedHandler?.(cyclePlanned);
    await cyclePlannedHandler?.(cyclePlanned);
    expect(heard).toEqual([['cycles', cyclePlanned.id, 'c1']]);
    await runner.onModuleDestroy();
    store.close();
  });
});

describe('atRiskOptionsFrom', () => {
  it('defaults to a 0.2 margin, a confidence threshold of 5, two weeks of pace grace and of milestone warning', () => {
    expect(atRiskOptionsFrom({})).toEqual({ paceMargin: 0.2, confidenceThreshold: 5, paceGraceDays: 14, milestoneWarningDays: 14 });
  });

  it('reads every threshold from the environment', () => {
    expect(
      atRiskOptionsFrom({
        OKR_AT_RISK_PACE_MARGIN: '0.1',
        OKR_AT_RISK_CONFIDENCE_THRESHOLD: '6',
        OKR_AT_RISK_PACE_GRACE_DAYS: '0',
        OKR_AT_RISK_MILESTONE_DAYS: '21',
      }),
    ).toEqual({ paceMargin: 0.1, confidenceThreshold: 6, paceGraceDays: 0, milestoneWarningDays: 21 });
  });

  it('names a bad value', () => {
    expect(() => atRiskOptionsFrom({ OKR_AT_RISK_PACE_MARGIN: 'lots' })).toThrow('OKR_AT_RISK_PACE_MARGIN must be a number from 0 to 1 (got "lots")');
    expect(() => atRiskOptionsFrom({ OKR_AT_RISK_CONFIDENCE_THRESHOLD: '11' })).toThrow('OKR_AT_RISK_CONFIDENCE_THRESHOLD');
    expect(() => atRiskOptionsFrom({ OKR_AT_RISK_PACE_GRACE_DAYS: '1.5' })).toThrow(
      'OKR_AT_RISK_PACE_GRACE_DAYS must be a whole number from 0 to 92 (got "1.5")',
    );
    expect(() => atRiskOptionsFrom({ OKR_AT_RISK_MILESTONE_DAYS: '100' })).toThrow('OKR_AT_RISK_MILESTONE_DAYS');
  });
});
