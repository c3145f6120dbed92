import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { v7 as uuidv7 } from 'uuid';
import { EVENT_STORE, handleCommand, loadAggregate, type CommandContext, type EventStore } from '@okr/event-store';
import {
  CYCLE_CATEGORY,
  OBJECTIVE_CATEGORY,
  activeKeyResults,
  carriedOverMeasure,
  checkInStreamName,
  checkInsAsOf,
  cycleDecider,
  cycleStatus,
  isKeyResultToCarry,
  latestCheckIn,
  notFound,
  objectiveDecider,
  ruleBroken,
  streamName,
  type KeyResultValue,
  type ObjectiveCommand,
  type PlannedCycle,
} from '@okr/okr-domain';

type Bare<C> = C extends unknown ? Omit<C, 'metadata'> : never;

export interface CarryOverResult {
  /** The objective that goes on in the new cycle. */
  id: string;
  cycleId: string;
  revision: number;
  /** The revision of the old objective after `ObjectiveCarriedOver`. */
  fromRevision: number;
  /** Each key result carried, with the one it continues. */
  keyResults: { id: string; fromKeyResultId: string; title: string }[];
}

export class CarryOverObjectiveCommand extends Command<CarryOverResult> {
  constructor(
    readonly objectiveId: string,
    readonly toCycleId: string,
    readonly reason: string,
    readonly context: CommandContext,
    readonly expectedRevision?: number,
  ) {
    super();
  }
}

/**
 * Carries an unfinished objective of an ended (or closed) cycle over to a later cycle that is not over.
 * Two streams, in an order that makes the old objective the judge: first `ObjectiveCarriedOver` on it
 * (with the revision read, so two concurrent carry-overs cannot both win), naming the new objective's
 * id; then the new objective: `ObjectiveSet`, `ObjectiveCarriedOverFrom`, its key results re-added
 * with their targets and their last known value as start (`carriedOverMeasure`; a milestone already
 * done stays behind), activated if the old one was active. If the second write never happens (a
 * crash), the same request again finds the link without its objective and writes it.
 * Parents are not carried: they are objectives of the old cycle; the team aligns the new one anew.
 */
@CommandHandler(CarryOverObjectiveCommand)
export class CarryOverObjectiveHandler implements ICommandHandler<CarryOverObjectiveCommand> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ objectiveId, toCycleId, reason, context, expectedRevision }: CarryOverObjectiveCommand): Promise<CarryOverResult> {
    const { tenantId } = context;
    const oldStream = streamName(OBJECTIVE_CATEGORY, objectiveId);
    const old = await loadAggregate(this.store, oldStream, objectiveDecider, tenantId);
    if (old.state.status === 'empty') throw notFound('objective-not-found', 'This objective does not exist', { objectiveId });
    const from = await this.cycle(tenantId, old.state.cycleId);
    const to = await this.cycle(tenantId, toCycleId);
    this.assertCycles(from, to, context);

    let carried = old;
    const pending = old.state.carriedOverTo;
    const resuming = pending !== undefined && pending.cycleId === toCycleId && !(await this.exists(tenantId, pending.objectiveId));
    const newObjectiveId = resuming ? pending.objectiveId : uuidv7();
    if (!resuming) {
      const command = { type: 'CarryOverObjective' as const, data: { toObjectiveId: newObjectiveId, toCycleId, reason } };
      const result = await handleCommand(this.store, oldStream, objectiveDecider, command, context, expectedRevision === undefined ? {} : { expectedRevision });
      carried = { ...old, state: result.state, revision: result.revision };
    }
    const state = carried.state;
    if (state.status === 'empty' || carried.revision === 'no_stream') throw new Error(`Objective ${objectiveId} vanished while carried over`);

    const commands: Bare<ObjectiveCommand>[] = [
      {
        type: 'SetObjective',
        data: {
          objectiveId: newObjectiveId,
          cycleId: toCycleId,
          teamId: state.teamId,
          ownerId: state.ownerId,
          title: state.title,
          ...(state.description === undefined ? {} : { description: state.description }),
        },
      },
      { type: 'LinkCarriedOverFrom', data: { fromObjectiveId: objectiveId, fromCycleId: state.cycleId, reason: state.carriedOverTo?.reason ?? reason } },
    ];
    const keyResults: CarryOverResult['keyResults'] = [];
    for (const kr of activeKeyResults(state)) {
      const last = await this.lastValue(tenantId, kr.id);
      if (!isKeyResultToCarry(kr.measure, last)) continue;
      const keyResultId = uuidv7();
      keyResults.push({ id: keyResultId, fromKeyResultId: kr.id, title: kr.title });
      commands.push({
        type: 'AddKeyResult',
        data: { keyResultId, title: kr.title, ...(kr.ownerId ? { ownerId: kr.ownerId } : {}), measure: carriedOverMeasure(kr.measure, last) },
      });
    }
    if (state.status === 'active' && keyResults.length > 0) commands.push({ type: 'ActivateObjective', data: {} });
    const created = await handleCommand(this.store, streamName(OBJECTIVE_CATEGORY, newObjectiveId), objectiveDecider, commands, context);
    return { id: newObjectiveId, cycleId: toCycleId, revision: created.revision as number, fromRevision: carried.revision, keyResults };
  }

  private async cycle(tenantId: string, cycleId: string): Promise<PlannedCycle> {
    const { state } = await loadAggregate(this.store, streamName(CYCLE_CATEGORY, cycleId), cycleDecider, tenantId);
    if (state.status === 'empty') throw notFound('cycle-not-found', 'This cycle does not exist', { cycleId });
    return state;
  }

  /** From a cycle that is over, to a later one that is not. */
  private assertCycles(from: PlannedCycle, to: PlannedCycle, context: CommandContext): void {
    const now = context.now ?? new Date();
    const fromStatus = cycleStatus(from, now);
    if (fromStatus !== 'ended' && fromStatus !== 'closed') {
      throw ruleBroken('cycle-not-ended', `Cycle ${from.name} has not ended: its objectives are carried over once it has.`, {
        cycleId: from.id,
        status: fromStatus,
      });
    }
    const toStatus = cycleStatus(to, now);
    if (toStatus === 'ended' || toStatus === 'closed') {
      throw ruleBroken('carry-over-to-cycle-over', `Cycle ${to.name} is ${toStatus}: carry objectives over to a cycle that is not over.`, {
        field: 'toCycleId',
        status: toStatus,
      });
    }
    if (to.startsOn <= from.startsOn) {
      throw ruleBroken('carry-over-to-earlier-cycle', `Cycle ${to.name} does not come after ${from.name}.`, { field: 'toCycleId' });
    }
  }

  private async exists(tenantId: string, objectiveId: string): Promise<boolean> {
    const { state } = await loadAggregate(this.store, streamName(OBJECTIVE_CATEGORY, objectiveId), objectiveDecider, tenantId);
    return state.status !== 'empty';
  }

  /** The latest value checked in for a key result (the check-ins service's stream, read-only). */
  private async lastValue(tenantId: string, keyResultId: string): Promise<KeyResultValue | undefined> {
    const events = [];
    for await (const event of this.store.readStream(checkInStreamName(keyResultId))) {
      if (event.metadata.tenantId !== tenantId) return undefined;
      events.push(event);
    }
    return latestCheckIn(checkInsAsOf(events))?.value;
  }
}
