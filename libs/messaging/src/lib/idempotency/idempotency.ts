import type { MessagingLogger } from '../messaging.port';
import type { IntegrationEvent } from '../integration-event';
import type { EventHandler } from '../messaging.port';

/**
 * Per (consumer, stream), the revision of the last event a consumer applied. The rule it keeps: an
 * event already applied changes nothing the second time. Revisions of one stream are dense and
 * delivered in order, so "applied" is simply `revision <= lastApplied`.
 */
export interface AppliedRevisions {
  /** The last revision `consumer` applied from `streamId`, or undefined when none. */
  lastApplied(consumer: string, streamId: string): Promise<number | undefined>;
  /** Records `revision` as applied; never moves the stream's revision back. */
  markApplied(consumer: string, streamId: string, revision: number): Promise<void>;
}

export type ApplyOutcome = 'applied' | 'skipped';

/** What the guard needs of an event. */
export type GuardedEvent = Pick<IntegrationEvent, 'id' | 'type' | 'streamId' | 'revision'>;

/** pino-compatible; the guard only warns. */
export type GuardLogger = Pick<MessagingLogger, 'warn'>;

/**
 * `skip` when already applied; `gap` when revisions were missed since the last applied one (applied
 * all the same: the log is the truth, but a gap usually means a consumer started mid-stream or a bug).
 * The first event seen of a stream is never a gap: a group reset to an instant starts mid-stream.
 */
export const applyDecision = (last: number | undefined, revision: number): 'apply' | 'skip' | 'gap' =>
  last === undefined ? 'apply' : revision <= last ? 'skip' : revision > last + 1 ? 'gap' : 'apply';

export const warnGap = (logger: GuardLogger | undefined, consumer: string, event: GuardedEvent, last: number | undefined): void =>
  logger?.warn(
    { consumer, streamId: event.streamId, eventId: event.id, type: event.type, lastApplied: last, revision: event.revision },
    'Revision gap: events of this stream were not applied by this consumer',
  );

/**
 * Check -> run -> mark, for effects outside the guard's store (a mail, another database). At least
 * once: a crash after `effect` and before the mark repeats the effect on redelivery; the guard only
 * narrows duplicates to that window. Make such effects idempotent themselves where it matters
 * (e.g. keyed by `event.id`), or use `SqliteIdempotencyGuard.applyOnce` when the writes can share
 * the guard's transaction.
 */
export async function runOnce(
  revisions: AppliedRevisions,
  consumer: string,
  event: GuardedEvent,
  effect: () => Promise<void>,
  logger?: GuardLogger,
): Promise<ApplyOutcome> {
  const last = await revisions.lastApplied(consumer, event.streamId);
  const decision = applyDecision(last, event.revision);
  if (decision === 'skip') return 'skipped';
  if (decision === 'gap') warnGap(logger, consumer, event, last);
  await effect();
  await revisions.markApplied(consumer, event.streamId, event.revision);
  return 'applied';
}

/** Where {@link idempotent} keeps a consumer's applied revisions. */
export interface IdempotencyGuardOptions {
  /** Names the consumer (usually its group and projection): revisions are kept per consumer. */
  consumer: string;
  revisions: AppliedRevisions;
  logger?: GuardLogger;
}

/**
 * Wraps a handler so that an event it already applied is skipped (see {@link runOnce} for what "once"
 * means when the handler's writes are elsewhere).
 *
 * @example handlers: { ObjectiveDefined: idempotent(project, { consumer: 'insights.objectives', revisions }) }
 */
export const idempotent =
  (handler: EventHandler, guard: IdempotencyGuardOptions): EventHandler =>
  async (event) => {
    await runOnce(guard.revisions, guard.consumer, event, () => handler(event), guard.logger);
  };
