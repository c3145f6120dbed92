import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  EVENT_STORE,
  WrongExpectedRevisionError,
  handleCommand,
  type CommandContext,
  type CommandResult,
  type EventStore,
} from '@okr/event-store';
import {
  DomainError,
  checkInDecider,
  checkInStreamName,
  ruleBroken,
  type CheckInWindow,
  type CheckInsState,
  type CorrectCheckIn,
  type KeyResultKind,
  type KeyResultValue,
  type RecordCheckIn,
} from '@okr/okr-domain';
import { ValidationProblem } from '@okr/platform';
import { CheckInsView, type KnownKeyResult } from '../view/check-ins.view';

export { keyResultNotFound } from '../view/check-ins.view';
import { CHECK_IN_RULES, type CheckInRulesOptions } from './check-in-rules.config';

/** Record: the caller gives the numbers; the service adds what it knows of the key result (objective, kind, cycle). */
export type RecordCheckInInput = Omit<RecordCheckIn['data'], 'objectiveId' | 'kind' | 'window'>;
/** Correct: the key result's kind and cycle come from the view, as for a recording. */
export type CorrectCheckInInput = Omit<CorrectCheckIn['data'], 'kind' | 'window'>;

export class RecordCheckInCommand extends Command<CommandResult<CheckInsState>> {
  constructor(
    readonly data: RecordCheckInInput,
    readonly context: CommandContext,
    /** From If-Match: the revision of the key result's check-in stream the caller saw. */
    readonly expectedRevision?: number,
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

/** The key result's cycle with the configured grace; undefined while the view has not seen the cycle planned. */
export const windowOf = (kr: KnownKeyResult, rules: CheckInRulesOptions): CheckInWindow | undefined =>
  kr.cycle === undefined ? undefined : { startsOn: kr.cycle.startsOn, endsOn: kr.cycle.endsOn, graceDays: rules.graceDays };

/**
 * Runs the command with the revision the caller saw. The key result exists (the view said so), so
 * a stream with no check-in yet under an If-Match is a stale caller (409), not an unknown one.
 */
async function withExpectedRevision<T>(streamId: string, expectedRevision: number | undefined, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (expectedRevision !== undefined && error instanceof DomainError && error.code === 'stream-not-found') {
      throw new WrongExpectedRevisionError(streamId, expectedRevision, 'no_stream');
    }
    throw error;
  }
}

/** 422 when the key result no longer takes check-ins. */
export function assertOpen(kr: KnownKeyResult): void {
  const details = { keyResultId: kr.keyResultId, objectiveId: kr.objectiveId };
  if (kr.objectiveStatus === 'archived') throw ruleBroken('objective-archived', 'The objective of this key result is archived', details);
  if (kr.objectiveStatus === 'closed') throw ruleBroken('objective-closed', 'The objective of this key result is graded and closed', details);
  if (kr.dropped) throw ruleBroken('key-result-dropped', 'This key result was dropped', details);
}

/**
 * Checks the key result against the view (404 unknown for this tenant, 503 while the view catches up
 * and may not know it yet, 400 value of the wrong shape,
 * 422 dropped / objective closed or archived), then runs the decider on `checkins-{keyResultId}` with
 * the key result's cycle (the decider refuses a moment outside it, or after now) and the If-Match
 * revision (409 when stale).
 * After the append, remembers which key result the check-in belongs to (for corrections by id, at
 * once); the projection of the event writes the same document, so a crash in between is repaired.
 */
@CommandHandler(RecordCheckInCommand)
export class RecordCheckInHandler implements ICommandHandler<RecordCheckInCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly view: CheckInsView,
    @Inject(CHECK_IN_RULES) private readonly rules: CheckInRulesOptions,
  ) {}

  async execute({ data, context, expectedRevision }: RecordCheckInCommand) {
    const kr = await this.view.requireKeyResult(context.tenantId, data.keyResultId);
    assertValueFits(kr.kind, data.value);
    assertOpen(kr);
    const window = windowOf(kr, this.rules);
    const command = { type: 'RecordCheckIn' as const, data: { ...data, objectiveId: kr.objectiveId, kind: kr.kind, ...(window ? { window } : {}) } };
    const streamId = checkInStreamName(data.keyResultId);
    const result = await withExpectedRevision(streamId, expectedRevision, () =>
      handleCommand(this.store, streamId, checkInDecider, command, context, expectedRevision === undefined ? {} : { expectedRevision }),
    );
    await this.view.rememberCheckIn(context.tenantId, data.checkInId, data.keyResultId);
    return result;
  }
}

/**
 * Finds the check-in's key result in the view (404 `check-in-not-found` otherwise, 503 while the view
 * catches up), checks the value's
 * shape against its kind, and runs the decider. Corrections stay possible after the key result was
 * dropped or its objective closed: fixing the record of the past is what they are for.
 */
@CommandHandler(CorrectCheckInCommand)
export class CorrectCheckInHandler implements ICommandHandler<CorrectCheckInCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly view: CheckInsView,
    @Inject(CHECK_IN_RULES) private readonly rules: CheckInRulesOptions,
  ) {}

  async execute({ data, context, expectedRevision }: CorrectCheckInCommand) {
    const keyResultId = await this.view.requireCheckInKeyResult(context.tenantId, data.checkInId);
    const kr = await this.view.requireKeyResult(context.tenantId, keyResultId);
    assertValueFits(kr.kind, data.value);
    const window = windowOf(kr, this.rules);
    const command = { type: 'CorrectCheckIn' as const, data: { ...data, kind: kr.kind, ...(window ? { window } : {}) } };
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
