import { randomUUID } from 'node:crypto';
import type { PinoLogger } from 'nestjs-pino';
import { SqliteEventStore, type EventStore } from '@okr/event-store';
import type { ReadStore } from '@okr/read-store';
import type { ProjectionRunner } from '../read-models/projection-runner';
import { RiskSignals } from './risk-signals';
import { systemClock } from './risk-signals.config';

const logger = { setContext: jest.fn(), debug: jest.fn(), info: jest.fn(), warn: jest.fn(), error: jest.fn() };

const signalsWith = (sweepSeconds: number) => {
  const catchingUp = new Set<string>();
  const runner = { onApplied: jest.fn(), onCaughtUp: jest.fn(), isCatchingUp: (name: string) => catchingUp.has(name) };
  const signals = new RiskSignals(
    {} as EventStore,
    {} as ReadStore,
    { paceMargin: 0.2, confidenceThreshold: 5 },
    { sweepSeconds },
    systemClock(),
    runner as unknown as ProjectionRunner,
    logger as unknown as PinoLogger,
  );
  const sweep = jest.spyOn(signals, 'sweep').mockResolvedValue({ objectives: 0, appended: 0, failed: 0 });
  return { signals, sweep, runner, catchingUp };
};

describe('RiskSignals scheduling', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('listens to the projection runner from module init', () => {
    const { signals, runner } = signalsWith(60);
    signals.onModuleInit();
    expect(runner.onApplied).toHaveBeenCalledTimes(1);
    expect(runner.onCaughtUp).toHaveBeenCalledTimes(1);
  });

  const checkIn = { id: 'e-1', type: 'CheckInRecorded', streamId: 'checkins-kr-1', data: { objectiveId: 'o-1', keyResultId: 'kr-1' }, metadata: { tenantId: 'acme' } };

  it('assesses no event of a read model catching up from the start of the log, and sweeps once (after a sweep in progress) when it has caught up', async () => {
    const { signals, sweep, runner, catchingUp } = signalsWith(60);
    const assess = jest.spyOn(signals, 'assessObjective').mockResolvedValue({ objectiveId: 'o-1', appended: [], failed: 0 });
    signals.onModuleInit();
    // The sweep at start begins before the runner knows which models catch up (its store still loading).
    let endSweep: () => void = () => undefined;
    sweep.mockImplementationOnce(() => new Promise((resolve) => (endSweep = () => resolve({ objectives: 0, appended: 0, failed: 0 }))));
    signals.onApplicationBootstrap();
    expect(sweep).toHaveBeenCalledTimes(1);

    catchingUp.add('objective-summary-v2');
    await signals.afterApplied({ name: 'objective-summary-v2' }, checkIn as never);
    expect(assess).not.toHaveBeenCalled();
    // Caught up while that sweep (which found the read model behind) is still running.
    catchingUp.clear();
    const [caughtUp] = runner.onCaughtUp.mock.calls[0] as [(model: { name: string }) => void];
    caughtUp({ name: 'learnings-feed-v2' });
    caughtUp({ name: 'objective-summary-v2' });
    expect(sweep).toHaveBeenCalledTimes(1);
    endSweep();
    await jest.advanceTimersByTimeAsync(0);
    expect(sweep).toHaveBeenCalledTimes(2);

    await signals.afterApplied({ name: 'objective-summary-v2' }, checkIn as never);
    expect(assess).toHaveBeenCalledWith('acme', 'o-1', { correlationId: 'e-1', causationId: 'e-1' });
    await signals.onModuleDestroy();
  });

  it('the timer sweeps nothing while objective-summary or cycles catches up, and sweeps once the second has caught up', async () => {
    const { signals, sweep, runner, catchingUp } = signalsWith(60);
    signals.onModuleInit();
    catchingUp.add('objective-summary-v2').add('cycles');
    signals.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(120_000);
    expect(sweep).not.toHaveBeenCalled();
    const [caughtUp] = runner.onCaughtUp.mock.calls[0] as [(model: { name: string }) => void];
    catchingUp.delete('cycles');
    caughtUp({ name: 'cycles' });
    await jest.advanceTimersByTimeAsync(0);
    expect(sweep).not.toHaveBeenCalled();
    catchingUp.delete('objective-summary-v2');
    caughtUp({ name: 'objective-summary-v2' });
    await jest.advanceTimersByTimeAsync(0);
    expect(sweep).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(60_000);
    expect(sweep).toHaveBeenCalledTimes(2);
    await signals.onModuleDestroy();
  });

  it('with sweeps off, assesses every event, catching up or not', async () => {
    const { signals, runner, catchingUp } = signalsWith(0);
    const assess = jest.spyOn(signals, 'assessObjective').mockResolvedValue({ objectiveId: 'o-1', appended: [], failed: 0 });
    signals.onModuleInit();
    expect(runner.onCaughtUp).not.toHaveBeenCalled();
    catchingUp.add('objective-summary-v2');
    await signals.afterApplied({ name: 'objective-summary-v2' }, checkIn as never);
    expect(assess).toHaveBeenCalledTimes(1);
  });

  it('sweeps once at start, then every OKR_RISK_SWEEP_SECONDS, and no more once stopped', async () => {
    const { signals, sweep } = signalsWith(60);
    signals.onApplicationBootstrap();
    expect(sweep).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(60_000);
    expect(sweep).toHaveBeenCalledTimes(2);
    await jest.advanceTimersByTimeAsync(120_000);
    expect(sweep).toHaveBeenCalledTimes(4);
    await signals.onModuleDestroy();
    await jest.advanceTimersByTimeAsync(600_000);
    expect(sweep).toHaveBeenCalledTimes(4);
  });

  it('never runs two sweeps at once: a tick during a long sweep is skipped', async () => {
    const { signals, sweep } = signalsWith(1);
    let finish!: () => void;
    sweep.mockImplementationOnce(() => new Promise((resolve) => (finish = () => resolve({ objectives: 0, appended: 0, failed: 0 }))));
    signals.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(5_000);
    expect(sweep).toHaveBeenCalledTimes(1);
    finish();
    await jest.advanceTimersByTimeAsync(1_000);
    expect(sweep).toHaveBeenCalledTimes(2);
    await signals.onModuleDestroy();
  });

  it('does not sweep at all with OKR_RISK_SWEEP_SECONDS=0', async () => {
    const { signals, sweep } = signalsWith(0);
    signals.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(3_600_000);
    expect(sweep).not.toHaveBeenCalled();
  });

  it('logs a failed sweep and sweeps again on the next tick', async () => {
    const { signals, sweep } = signalsWith(60);
    sweep.mockRejectedValueOnce(new Error('read store down'));
    signals.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(0);
    expect(logger.error).toHaveBeenCalledWith({ err: expect.any(Error) }, 'risk sweep failed; the next one tries again');
    await jest.advanceTimersByTimeAsync(60_000);
    expect(sweep).toHaveBeenCalledTimes(2);
    await signals.onModuleDestroy();
  });

  it('never fails the consumer: a failed assessment after an event is logged with the event and the objective', async () => {
    const { signals } = signalsWith(0);
    jest.spyOn(signals, 'assessObjective').mockRejectedValueOnce(new Error('event store busy'));
    const event = {
      id: 'e-1',
      type: 'CheckInRecorded',
      streamId: 'checkins-kr-1',
      data: { objectiveId: 'o-1', keyResultId: 'kr-1' },
      metadata: { tenantId: 'acme', correlationId: 'c-1' },
    };
    await expect(signals.afterApplied({ name: 'objective-summary-v2' }, event as never)).resolves.toBeUndefined();
    expect(signals.assessObjective).toHaveBeenCalledWith('acme', 'o-1', { correlationId: 'c-1', causationId: 'e-1' });
    expect(logger.error).toHaveBeenCalledWith(
      { tenantId: 'acme', objectiveId: 'o-1', eventId: 'e-1', eventType: 'CheckInRecorded', streamId: 'checkins-kr-1', err: expect.any(Error) },
      'risk assessment after an event failed; the next sweep catches up',
    );
  });

  it('ignores events of the read models that say nothing about risk', async () => {
    const { signals } = signalsWith(0);
    const assess = jest.spyOn(signals, 'assessObjective');
    await signals.afterApplied({ name: 'learnings-feed-v2' }, { type: 'LearningCaptured', data: {}, metadata: { tenantId: 'acme' } } as never);
    expect(assess).not.toHaveBeenCalled();
  });
});

describe('RiskSignals: the last revision of a stream that the summary handles', () => {
  const metadata = { tenantId: 'acme', actor: 'a', correlationId: 'c', causationId: 'c', occurredAt: '2026-12-01T09:00:00.000Z' };
  let store: SqliteEventStore;
  let lastRevision: (streamId: string) => Promise<number>;
  beforeEach(() => {
    store = SqliteEventStore.open({ file: ':memory:' });
    const signals = new RiskSignals(store, {} as ReadStore, { paceMargin: 0.2, confidenceThreshold: 5 }, { sweepSeconds: 0 }, systemClock(), { onApplied: jest.fn() } as unknown as ProjectionRunner, logger as unknown as PinoLogger);
    lastRevision = (streamId) => (signals as unknown as { lastRevision(id: string): Promise<number> }).lastRevision(streamId);
  });
  afterEach(() => store.close());

  const events = (types: readonly string[]) => types.map((type) => ({ id: randomUUID(), type, data: { objectiveId: 'o' }, metadata }));
  const unhandled = (n: number) => Array.from({ length: n }, () => 'ObjectiveNoteWritten');

  it.each([
    ['its last event, when the summary handles it', ['ObjectiveSet', 'ObjectiveActivated'], 1],
    ['the handled event before a tail it does not handle, however long (read from the end a few at a time)', ['ObjectiveSet', ...unhandled(8)], 0],
    ['the same behind 8 and behind 21 unhandled events', ['ObjectiveSet', 'ObjectiveActivated', ...unhandled(21)], 1],
    ['-1 when it handles none', unhandled(17), -1],
  ])('%s', async (_, types, expected) => {
    await store.append('objective-o', events(types), 'no_stream');
    expect(await lastRevision('objective-o')).toBe(expected);
  });

  it('-1 for a stream that does not exist', async () => {
    expect(await lastRevision('objective-none')).toBe(-1);
  });
});

describe('RiskSignals: the sweep', () => {
  it('lets the event loop turn between objectives (requests are answered while it sweeps)', async () => {
    const page = [1, 2, 3, 4].map((n) => ({ _id: `o${n}`, tenantId: 'acme' }));
    const summaries = { find: jest.fn().mockResolvedValueOnce(page).mockResolvedValue([]) };
    const store = { collection: jest.fn().mockResolvedValue(summaries) } as unknown as ReadStore;
    const signals = new RiskSignals({} as EventStore, store, { paceMargin: 0.2, confidenceThreshold: 5 }, { sweepSeconds: 0 }, systemClock(), { onApplied: jest.fn() } as unknown as ProjectionRunner, logger as unknown as PinoLogger);
    // Answered from memory: each assessment settles without waiting for anything.
    jest.spyOn(signals, 'assessObjective').mockResolvedValue({ objectiveId: 'o', appended: [], failed: 0, skipped: 'cycle-over' });
    let turns = 0;
    let swept = false;
    const turn = (): void => {
      turns += 1;
      if (!swept) setImmediate(turn);
    };
    setImmediate(turn);
    const totals = await signals.sweep();
    swept = true;
    expect(totals.objectives).toBe(4);
    expect(turns).toBeGreaterThanOrEqual(3);
  });
});
