import type { IHeaders, KafkaMessage, Message } from 'kafkajs';
import type { DeadLetter } from '../messaging.port';
import { fromKafkaMessage, headerText, type KafkaRecord } from './cloudevents';

/**
 * Headers a dead-lettered record carries on top of the original ones. The record stays the same
 * CloudEvent (key, value and every `ce_` header unchanged); these transport headers add why it failed.
 */
export const DLQ_HEADERS = {
  error: 'dlq_error',
  attempts: 'dlq_attempts',
  group: 'dlq_group',
  failedAt: 'dlq_failed_at',
  topic: 'dlq_topic',
  partition: 'dlq_partition',
  offset: 'dlq_offset',
} as const;

/** Long stack traces would bloat every record; the message and the top frames are what an operator needs. */
const MAX_ERROR_LENGTH = 4000;

/** Text of a thrown value for the `dlq_error` header. */
export const describeError = (error: unknown): string => {
  const text = error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
  return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH)}…` : text;
};

/** Where a failed record came from and why it failed. */
export interface DeadLetterCause {
  group: string;
  topic: string;
  partition: number;
  error: unknown;
  attempts: number;
  failedAt?: Date;
}

/** The dead-letter record: the original key, value and headers, plus the `dlq_*` headers. */
export function toDeadLetterMessage(original: KafkaMessage, cause: DeadLetterCause): Message {
  const headers: IHeaders = {
    ...original.headers,
    [DLQ_HEADERS.error]: describeError(cause.error),
    [DLQ_HEADERS.attempts]: String(cause.attempts),
    [DLQ_HEADERS.group]: cause.group,
    [DLQ_HEADERS.failedAt]: (cause.failedAt ?? new Date()).toISOString(),
    [DLQ_HEADERS.topic]: cause.topic,
    [DLQ_HEADERS.partition]: String(cause.partition),
    [DLQ_HEADERS.offset]: original.offset,
  };
  return { key: original.key, value: original.value, headers };
}

/**
 * Reads a record of a dead-letter topic back; `undefined` for records that are no dead letter of an
 * integration event (no `dlq_group`, or a value that does not parse).
 */
export function fromDeadLetterMessage(message: KafkaRecord): DeadLetter | undefined {
  const group = headerText(message.headers, DLQ_HEADERS.group);
  const topic = headerText(message.headers, DLQ_HEADERS.topic);
  if (group === undefined || topic === undefined) return undefined;
  let event;
  try {
    event = fromKafkaMessage(message);
  } catch {
    return undefined;
  }
  if (!event) return undefined;
  return {
    group,
    topic,
    event,
    error: headerText(message.headers, DLQ_HEADERS.error) ?? '',
    attempts: Number(headerText(message.headers, DLQ_HEADERS.attempts) ?? 0),
    failedAt: headerText(message.headers, DLQ_HEADERS.failedAt) ?? '',
  };
}
