import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, appendBatchOf, handleCommand, loadAggregate, type CommandContext, type CommandResult, type EventStore } from '@okr/event-store';
import {
  CYCLE_CATEGORY,
  OBJECTIVE_CATEGORY,
  categoryOf,
  cycleDecider,
  initialCycleState,
  notFound,
  objectiveDecider,
  streamName,
  type CycleCommand,
  type CycleState,
  type PlanCycle,
  type PlannedCycle,
  type UngradedObjective,
} from '@okr/okr-domain';
import { ViewCatchingUpProblem } from '@okr/platform';
import { READ_STORE, type ReadStore } from '@okr/read-store';
import { CycleNames } from './cycle-names';
import { objectiveListModel, type ObjectiveListDoc } from '../objectives/objective-list.read-model';
import { GoalsProjections } from '../read-models/goals-projections';

/**
 * How long closing a cycle waits for the list of objectives to have applied every write made before
 * it (its bus lag, milliseconds as a rule) before answering 503 `view-catching-up`.
 */
export const CLOSING_LIST_WAIT_MS = 5_000;

type Bare<C> = C extends unknown ? Omit<C, 'metadata'> : never;

const now = (context: CommandContext): string => (context.now ?? new Date()).toISOString();

export class PlanCycleCommand extends Command<CommandResult<CycleState>> {
  constructor(
    readonly data: PlanCycle['data'],
    readonly context: CommandContext,
  ) {
    super();
  }
}

/** Plans a cycle under a name no other cycle of the tenant holds (reserved first, see `CycleNames`). */
@CommandHandler(PlanCycleCommand)
export class PlanCycleHandler implements ICommandHandler<PlanCycleCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly names: CycleNames,
  ) {}

  async execute({ data, context }: PlanCycleCommand) {
    const command = { type: 'PlanCycle' as const, data };
    // Refuse bad input before reserving anything.
    cycleDecider.decide({ ...command, metadata: { now: now(context) } }, initialCycleState());
    await this.names.reserve(context, data.cycleId, data.name.trim());
    try {
      return await handleCommand(this.store, streamName(CYCLE_CATEGORY, data.cycleId), cycleDecider, command, context);
    } catch (error) {
      await this.names.release(context, data.cycleId, data.name.trim());
      throw error;
    }
  }
}

/** Renames, moves or closes a cycle (If-Match honoured through `expectedRevision`). */
export class ChangeCycleCommand extends Command<CommandResult<CycleState>> {
  constructor(
    readonly cycleId: string,
    readonly command: Bare<Exclude<CycleCommand, PlanCycle>>,
    readonly context: CommandContext,
    readonly expectedRevision?: number,
  ) {
    super();
  }
}

@CommandHandler(ChangeCycleCommand)
export class ChangeCycleHandler implements ICommandHandler<ChangeCycleCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    private readonly names: CycleNames,
    private readonly projections: GoalsProjections,
  ) {}

  async execute({ cycleId, command, context, expectedRevision }: ChangeCycleCommand) {
    const stream = streamName(CYCLE_CATEGORY, cycleId);
    const { state } = await loadAggregate(this.store, stream, cycleDecider, context.tenantId);
    if (state.status === 'empty') throw notFound('cycle-not-found', 'This cycle does not exist', { cycleId });
    const options = expectedRevision === undefined ? {} : { expectedRevision };
    if (command.type === 'CloseCycle') {
      // Refuse a closing the cycle does not allow (not ended, closed already) before waiting for the list.
      cycleDecider.decide({ type: 'CloseCycle', data: { ungradedObjectives: [] }, metadata: { now: now(context) } }, state);
      const ungradedObjectives = await this.ungradedObjectives(context.tenantId, cycleId);
      return handleCommand(this.store, stream, cycleDecider, { type: 'CloseCycle', data: { ungradedObjectives } }, context, options);
    }
    if (command.type !== 'RenameCycle') return handleCommand(this.store, stream, cycleDecider, command, context, options);
    return this.rename(state, command.data.name, context, options);
  }

  /** Reserve the new name, rename, release the old name; a failed rename gives the new name back. */
  private async rename(state: PlannedCycle, name: string, context: CommandContext, options: { expectedRevision?: number }) {
    const stream = streamName(CYCLE_CATEGORY, state.id);
    const decided = cycleDecider.decide({ type: 'RenameCycle', data: { name }, metadata: { now: now(context) } }, state);
    if (decided.length === 0) return handleCommand(this.store, stream, cycleDecider, { type: 'RenameCycle', data: { name } }, context, options);
    const to = name.trim();
    const shared = this.names.sameReservation(state.name, to);
    await this.names.reserve(context, state.id, to);
    try {
      const result = await handleCommand(this.store, stream, cycleDecider, { type: 'RenameCycle', data: { name: to } }, context, options);
      if (!shared) await this.names.release(context, state.id, state.name);
      return result;
    } catch (error) {
      if (!shared) await this.names.release(context, state.id, to);
      throw error;
    }
  }

  /**
   * The objectives of the cycle neither graded, archived nor carried over, from goals' list of objectives
   * once it has applied every write made before the closing (an objective set a moment ago is in it:
   * else 503 `view-catching-up`, nothing written) and those set earlier in the same import request
   * (held in its batch), each checked against its stream (the list may also have applied writes made
   * since, a grading among them).
   */
  private async ungradedObjectives(tenantId: string, cycleId: string): Promise<UngradedObjective[]> {
    if (!(await this.projections.caughtUpWithin(objectiveListModel, CLOSING_LIST_WAIT_MS))) {
      throw new ViewCatchingUpProblem('This service is still reading the latest changes to objectives, so it cannot tell yet which objectives of this cycle are left ungraded. Try again in a moment.', { cycleId });
    }
    const objectives = await this.readStore.collection<ObjectiveListDoc>({ name: objectiveListModel.name, indexes: objectiveListModel.indexes });
    const listed = await objectives.find({ tenantId, cycleId, status: { $in: ['draft', 'active'] } }, { sort: { createdAt: 1, _id: 1 } });
    const candidates = [...listed.map(({ _id, createdAt }) => ({ objectiveId: _id, createdAt })), ...this.heldObjectives(new Set(listed.map(({ _id }) => _id)))];
    // As the list sorts: oldest first, then by id (code units, as the read store compares strings).
    const order = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    candidates.sort((a, b) => order(a.createdAt, b.createdAt) || order(a.objectiveId, b.objectiveId));
    const ungraded: UngradedObjective[] = [];
    for (const candidate of candidates) {
      const { state } = await loadAggregate(this.store, streamName(OBJECTIVE_CATEGORY, candidate.objectiveId), objectiveDecider, tenantId);
      if (state.status !== 'draft' && state.status !== 'active') continue;
      if (state.cycleId !== cycleId) continue;
      if (state.carriedOverTo !== undefined) continue;
      ungraded.push({ objectiveId: state.id, title: state.title, teamId: state.teamId });
    }
    return ungraded;
  }

  /**
   * Objectives set earlier in the same import request (held in its append batch, not committed, so in
   * no read model yet), other than `listed`, with the time of their first event: candidates too.
   */
  private heldObjectives(listed: ReadonlySet<string>): { objectiveId: string; createdAt: string }[] {
    const batch = appendBatchOf(this.store);
    if (!batch) return [];
    const held: { objectiveId: string; createdAt: string }[] = [];
    for (const streamId of batch.streamIds()) {
      if (categoryOf(streamId) !== OBJECTIVE_CATEGORY) continue;
      const objectiveId = streamId.slice(OBJECTIVE_CATEGORY.length + 1);
      const [first] = batch.held(streamId);
      // A stream begun in the batch; one begun before is in the list once it has caught up.
      if (listed.has(objectiveId) || first === undefined || first.revision !== 0) continue;
      held.push({ objectiveId, createdAt: first.metadata.occurredAt });
    }
    return held;
  }
}
