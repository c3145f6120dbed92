import { v7 as uuidv7 } from 'uuid';
import { EVENT_STORE, type EventStore } from '@okr/event-store';
import type { KeyResultMeasure } from '@okr/okr-domain';
import { CheckInsModule } from '../../src/app.module';
import { CheckInsView } from '../../src/view/check-ins.view';
import { questionsIndexModel } from '../../src/questions/questions.read-model';
import { knownGoalsModel } from '../../src/view/known-goals.read-model';
import { checkInKeysModel, learningsIndexModel } from '../../src/view/own-events.read-models';
import { KnownGoalsRunner, OwnEventsRunner } from '../../src/view/view.runners';
import type { ReadModel } from '@okr/messaging';

import { caller, createServiceTestApp, eventually, startServiceApp, type Call, type CallOptions, type ServiceTestApp } from '@okr/platform/testing';

export { caller, eventually, startServiceApp, type Call, type CallOptions };
export { countEvents } from '@okr/event-store/testing';

export interface CheckInsTestApp extends ServiceTestApp {
  store: EventStore;
  view: CheckInsView;
}

/**
 * The real check-ins module on a real SQLite store and embedded bus in a data folder (fresh unless
 * given); `env` adds settings (the Kafka bus, say).
 */
export async function createCheckInsTestApp(dataDir?: string, env?: Readonly<Record<string, string>>): Promise<CheckInsTestApp> {
  const base = await createServiceTestApp('check-ins', (config, logs) => CheckInsModule.forRoot(config, logs), {
    ...(dataDir ? { dataDir } : {}),
    ...(env ? { env } : {}),
    openApi: { title: 'check-ins', version: '1' },
  });
  return { ...base, store: base.app.get<EventStore>(EVENT_STORE), view: base.app.get(CheckInsView) };
}

const metadata = (tenantId: string) => ({
  tenantId,
  actor: 'goals-fixture',
  correlationId: uuidv7(),
  causationId: uuidv7(),
  occurredAt: new Date().toISOString(),
});

/** The fixtures' cycle: Q4 2026 (the check-ins of the tests describe its weeks). */
export const Q4_2026 = { startsOn: '2026-10-01', endsOn: '2026-12-31' };

/**
 * Goals' facts, appended to the shared store as the goals service would (`cycle-{id}`, then
 * `objective-{id}`), so that check-ins learns of them through the bus. Resolves once the view knows
 * the key result (and its cycle, unless `cycle: null` leaves the cycle unplanned).
 */
export async function givenKeyResult(
  t: CheckInsTestApp,
  options: { tenant?: string; measure?: KeyResultMeasure; status?: 'draft' | 'active'; cycle?: { startsOn: string; endsOn: string } | null; ownerId?: string } = {},
): Promise<{ objectiveId: string; keyResultId: string; cycleId: string }> {
  const tenant = options.tenant ?? 'acme';
  const objectiveId = uuidv7();
  const keyResultId = uuidv7();
  const cycleId = uuidv7();
  const measure = options.measure ?? { kind: 'increase', start: 20, target: 40, unit: '%' };
  const cycle = options.cycle === undefined ? Q4_2026 : options.cycle;
  if (cycle !== null) {
    const planned = { type: 'CyclePlanned', data: { cycleId, name: `Cycle ${cycleId.slice(-4)}`, ...cycle, checkInCadenceDays: 7 } };
    await t.store.append(`cycle-${cycleId}`, [{ id: uuidv7(), ...planned, metadata: metadata(tenant) }], 'no_stream');
  }
  const events = [
    { type: 'ObjectiveSet', data: { objectiveId, cycleId, teamId: 'growth', ownerId: options.ownerId ?? 'alice', title: 'New customers succeed' } },
    { type: 'KeyResultAdded', data: { objectiveId, keyResultId, title: 'Week-1 activation', measure } },
    ...(options.status === 'draft' ? [] : [{ type: 'ObjectiveActivated', data: { objectiveId } }]),
  ];
  await t.store.append(`objective-${objectiveId}`, events.map((e) => ({ id: uuidv7(), ...e, metadata: metadata(tenant) })), 'no_stream');
  await eventually(
    async () => {
      const known = await t.view.keyResult(tenant, keyResultId);
      return cycle === null ? known : known?.cycle;
    },
    5000,
    `key result ${keyResultId} in the view`,
  );
  return { objectiveId, keyResultId, cycleId };
}

/** Appends one more goals fact to an objective's stream and waits until the view has applied it. */
export async function givenGoalsEvent(
  t: CheckInsTestApp,
  objectiveId: string,
  type: string,
  data: Record<string, unknown>,
  until: () => boolean | Promise<boolean>,
  tenant = 'acme',
): Promise<void> {
  await t.store.append(`objective-${objectiveId}`, [{ id: uuidv7(), type, data: { objectiveId, ...data }, metadata: metadata(tenant) }], 'any');
  await eventually(until, 5000, `${type} applied to the view`);
}

/**
 * Waits until every read model of the view has applied all its topic holds now: from then on, what the
 * view lacks is answered 404, not 503 `view-catching-up` (the models follow the log in turns, so a
 * check-in recorded a moment ago may not be applied yet).
 */
export async function viewCaughtUp(t: CheckInsTestApp): Promise<void> {
  const goals = t.app.get(KnownGoalsRunner);
  const own = t.app.get(OwnEventsRunner);
  const pending: [KnownGoalsRunner | OwnEventsRunner, unknown][] = [
    [goals, knownGoalsModel],
    [own, checkInKeysModel],
    [own, learningsIndexModel],
    [own, questionsIndexModel],
  ];
  for (const [runner, model] of pending) {
    await eventually(() => runner.hasCaughtUp(model as ReadModel), 5000, `${(model as ReadModel).name} caught up`);
  }
}

// What check-ins-e2e's tests (check-ins beside the goals service whose events it reads) reach inside the app.
export { KNOWN_GOALS_VERSION } from '../../src/view/known-goals.read-model';
export { knownGoalsModel, KnownGoalsRunner, OwnEventsRunner };
