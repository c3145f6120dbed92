import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, handleCommand, type CommandContext, type CommandResult, type EventStore } from '@okr/event-store';
import {
  checkInDecider,
  checkInStreamName,
  notFound,
  ruleBroken,
  type CheckInsState,
  type CorrectCheckIn,
  type KeyResultKind,
  type KeyResultValue,
  type RecordCheckIn,
} from '@okr/okr-domain';
import { ValidationProblem } from '@okr/platform';
import { CheckInsView, type KnownKeyResult } from '../view/check-ins.view';

/** Record: the caller gives the numbers; the service adds what it knows of the key result (objective, kind). */
export type RecordCheckInInput = Omit<RecordCheckIn['data'], 'objectiveId' | 'kind'>;
/** Correct: the key result's kind comes from the view, as for a recording. */
export type CorrectCheckInInput = Omit<CorrectCheckIn['data'], 'kind'>;

export class RecordCheckInCommand extends Command<CommandResult<CheckInsState>> {
  constructor(
    readonly data: RecordCheckInInput,
    readonly context: CommandContext,
  ) {
    super();
  }
}

export class CorrectCheckInCommand extends Command<CommandResult<CheckInsState> & { keyResultId: string }> {
  constructor(
    readonly data: CorrectCheckInInput,
    readonly context: CommandContext,
    /** From If-Match: the revision of the key result's check-in stream the caller saw. */
    readonly expectedRevision?: number,
  ) {
    super();
  }
}

export const keyResultNotFound = (keyResultId: string) =>
  notFound('key-result-not-found', `Key result ${keyResultId} does not exist`, { keyResultId });

/**
 * 400 naming `value` when it does not fit the key result's kind: the caller sent the wrong shape,
 * which is bad input, not a broken rule (the decider refuses it too, as a last line).
 */
export function assertValueFits(kind: KeyResultKind, value: KeyResultValue | undefined): void {
  if (value === undefined) return;
  if (kind === 'milestone' && typeof value !== 'boolean') {
    throw new ValidationProblem([{ field: 'value', message: 'value must be true (done) or false (not done) for a milestone key result' }]);
  }
  if (kind !== 'milestone' && typeof value !== 'number') {
    throw new ValidationProblem([{ field: 'value', message: `value must be a number for a ${kind} key result` }]);
  }
}

/** 422 when the key result no longer takes check-ins. */
function assertOpen(kr: KnownKeyResult): void {
  const details = { keyResultId: kr.keyResultId, objectiveId: kr.objectiveId };
  if (kr.objectiveStatus === 'archived') throw ruleBroken('objective-archived', `Objective ${kr.objectiveId} is archived`, details);
  if (kr.objectiveStatus === 'closed') throw ruleBroken('objective-closed', `Objective ${kr.objectiveId} is graded and closed`, details);
  if (kr.dropped) throw ruleBroken('key-result-dropped', `Key result ${kr.keyResultId} was dropped`, details);
}

/**
 * Checks the key result against the view (404 unknown for this tenant, 400 value of the wrong shape,
 * 422 dropped / objective closed or archived), then runs the decider on `checkins-{keyResultId}`.
 * After the append, remembers which key result the check-in belongs to (for corrections by id); the
 * own-events projection writes the same row, so a crash in between is repaired.
 */
@CommandHandler(RecordCheckInCommand)
export class RecordCheckInHandler implements ICommandHandler<RecordCheckInCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly view: CheckInsView,
  ) {}

  async execute({ data, context }: RecordCheckInCommand) {
    const kr = this.view.keyResult(context.tenantId, data.keyResultId);
    if (!kr) throw keyResultNotFound(data.keyResultId);
    assertValueFits(kr.kind, data.value);
    assertOpen(kr);
    const command = { type: 'RecordCheckIn' as const, data: { ...data, objectiveId: kr.objectiveId, kind: kr.kind } };
    const result = await handleCommand(this.store, checkInStreamName(data.keyResultId), checkInDecider, command, context);
    this.view.rememberCheckIn(context.tenantId, data.checkInId, data.keyResultId);
    return result;
  }
}

/**
 * Finds the check-in's key result in the view (404 `check-in-not-found` otherwise), checks the value's
 * shape against its kind, and runs the decider. Corrections stay possible after the key result was
 * dropped or its objective closed: fixing the record of the past is what they are for.
 */
@CommandHandler(CorrectCheckInCommand)
export class CorrectCheckInHandler implements ICommandHandler<CorrectCheckInCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly view: CheckInsView,
  ) {}

  async execute({ data, context, expectedRevision }: CorrectCheckInCommand) {
    const keyResultId = this.view.keyResultOfCheckIn(context.tenantId, data.checkInId);
    const kr = keyResultId === undefined ? undefined : this.view.keyResult(context.tenantId, keyResultId);
    if (keyResultId === undefined || !kr) {
      throw notFound('check-in-not-found', `Check-in ${data.checkInId} does not exist`, { checkInId: data.checkInId });
    }
    assertValueFits(kr.kind, data.value);
    const command = { type: 'CorrectCheckIn' as const, data: { ...data, kind: kr.kind } };
    const result = await handleCommand(
      this.store,
      checkInStreamName(keyResultId),
      checkInDecider,
      command,
      context,
      expectedRevision === undefined ? {} : { expectedRevision },
    );
    return { ...result, keyResultId };
  }
}
