import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { v5 as uuidv5 } from 'uuid';
import { EVENT_STORE, handleCommand, type CommandContext, type EventStore } from '@okr/event-store';
import { DomainError, checkInDecider, checkInStreamName, isIsoCalendarDate, type KeyResultValue } from '@okr/okr-domain';
import { ForbiddenProblem, ValidationProblem, type Principal } from '@okr/platform';
import { assertOpen, assertValueFits, windowOf } from '../check-ins/check-in.commands';
import { CHECK_IN_RULES, type CheckInRulesOptions } from '../check-ins/check-in-rules.config';
import { CheckInsView, type KnownKeyResult } from '../view/check-ins.view';

export interface MeasurementInput {
  keyResultId: string;
  value: KeyResultValue;
  measuredAt: string;
  source: string;
  link?: string;
}

export type MeasurementOutcome = { keyResultId: string; measuredAt: string; source: string; id: string } & (
  | { status: 'recorded'; revision: number }
  | { status: 'unchanged' }
  | { status: 'refused'; code: string; message: string }
);

export class RecordMeasurementsCommand extends Command<MeasurementOutcome[]> {
  constructor(
    readonly items: readonly MeasurementInput[],
    readonly principal: Principal,
    readonly context: CommandContext,
  ) {
    super();
  }
}

/** Namespace of measurement ids (UUID v5): the same (tenant, source, key result, moment) is the same measurement. */
const MEASUREMENTS_NAMESPACE = '6f3c2f1e-8d7a-4f5b-9a4e-2c1d0b9e8a71';

/** One spelling per moment, so that `…T09:00:00Z` and `…T09:00:00.000Z` are the same measurement. */
const canonicalMoment = (measuredAt: string): string => {
  if (isIsoCalendarDate(measuredAt)) return measuredAt;
  const millis = Date.parse(measuredAt);
  return Number.isFinite(millis) ? new Date(millis).toISOString() : measuredAt;
};

export const measurementId = (tenantId: string, item: Pick<MeasurementInput, 'source' | 'keyResultId' | 'measuredAt'>): string =>
  uuidv5([tenantId, item.source.trim(), item.keyResultId, canonicalMoment(item.measuredAt)].join('\n'), MEASUREMENTS_NAMESPACE);

const inScope = (principal: Principal, kr: KnownKeyResult, teamId: string | undefined): boolean => {
  const scope = principal.serviceAccount?.scope;
  return scope !== undefined && (scope.keyResultIds.includes(kr.keyResultId) || (teamId !== undefined && scope.teams.includes(teamId)));
};

/**
 * Records data sources' measurements. The whole batch is checked first, and nothing is written when
 * any item is wrong for the request: only a service account sends measurements (403), each key result
 * exists (404), is in the account's scope (403) and still takes check-ins (422), each value fits its
 * kind (400). Then each measurement is decided on its key result's stream: `recorded`, `unchanged`
 * (sent before: idempotent per source, key result and moment) or `refused` with the broken rule
 * (a moment outside the cycle, another value for a moment already measured).
 */
@CommandHandler(RecordMeasurementsCommand)
export class RecordMeasurementsHandler implements ICommandHandler<RecordMeasurementsCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly view: CheckInsView,
    @Inject(CHECK_IN_RULES) private readonly rules: CheckInRulesOptions,
  ) {}

  async execute({ items, principal, context }: RecordMeasurementsCommand): Promise<MeasurementOutcome[]> {
    const account = principal.serviceAccount;
    if (!account) {
      throw new ForbiddenProblem('Measurements come from data sources: call with a service account’s API key. People record check-ins.', 'service-account-required');
    }
    const checked: { item: MeasurementInput; kr: KnownKeyResult }[] = [];
    for (const [index, item] of items.entries()) {
      const kr = await this.view.requireKeyResult(context.tenantId, item.keyResultId);
      const teamId = (await this.view.objective(context.tenantId, kr.objectiveId))?.teamId;
      if (!inScope(principal, kr, teamId)) {
        throw new ForbiddenProblem(`Service account ${account.name} may not feed key result ${kr.keyResultId}: it is outside its scope.`, 'out-of-scope');
      }
      try {
        assertValueFits(kr.kind, item.value);
      } catch (error) {
        if (error instanceof ValidationProblem && items.length > 1) {
          throw new ValidationProblem([{ field: `items[${index}].value`, message: kr.kind === 'milestone' ? 'value must be true or false for a milestone key result' : `value must be a number for a ${kr.kind} key result` }]);
        }
        throw error;
      }
      assertOpen(kr);
      checked.push({ item, kr });
    }

    const outcomes: MeasurementOutcome[] = [];
    for (const { item, kr } of checked) {
      const id = measurementId(context.tenantId, item);
      const base = { keyResultId: kr.keyResultId, measuredAt: item.measuredAt, source: item.source, id };
      const window = windowOf(kr, this.rules);
      const command = {
        type: 'RecordMeasurement' as const,
        data: {
          measurementId: id,
          keyResultId: kr.keyResultId,
          objectiveId: kr.objectiveId,
          kind: kr.kind,
          ...(window ? { window } : {}),
          value: item.value,
          measuredAt: item.measuredAt,
          source: item.source,
          ...(item.link === undefined ? {} : { link: item.link }),
          serviceAccountId: account.id,
        },
      };
      try {
        const result = await handleCommand(this.store, checkInStreamName(kr.keyResultId), checkInDecider, command, context);
        outcomes.push(result.events.length === 0 ? { ...base, status: 'unchanged' } : { ...base, status: 'recorded', revision: result.revision as number });
      } catch (error) {
        if (!(error instanceof DomainError) || error.kind !== 'rule-broken') throw error;
        outcomes.push({ ...base, status: 'refused', code: error.code, message: error.message });
      }
    }
    return outcomes;
  }
}
