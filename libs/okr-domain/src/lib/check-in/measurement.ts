import type { KeyResultKind, KeyResultValue } from '../objective/key-result';
import type { Command, DomainEvent } from '../shared/envelope';
import { ruleBroken } from '../shared/errors';
import type { CheckInEvent } from './check-in';
import type { CheckInWindow } from './check-in.rules';
import { checkEffectiveAt, checkValue } from './check-in.rules';

/**
 * Measurements: values a data source (product analytics, CRM, BI) sends for a key result, through a
 * service account. A measurement is a check-in without confidence, in the key result's check-in
 * stream: it moves the value; confidence, notes and blockers stay the people's. One measurement per
 * (source, key result, moment): the service derives `measurementId` from the three, so a batch sent
 * again records nothing new.
 */
export const MAX_SOURCE_LENGTH = 100;

export type MeasurementRecorded = DomainEvent<
  'MeasurementRecorded',
  {
    measurementId: string;
    keyResultId: string;
    objectiveId: string;
    value: KeyResultValue;
    /** ISO calendar date or instant with a zone: the moment the value describes (a check-in's `effectiveAt`). */
    measuredAt: string;
    /** Where the value comes from, e.g. `amplitude`, `salesforce`. */
    source: string;
    /** A view of the number at its source, for people to check it. */
    link?: string;
    serviceAccountId: string;
    /** ISO instant: the command's `now`. */
    recordedAt: string;
  }
>;

export type RecordMeasurement = Command<
  'RecordMeasurement',
  Omit<MeasurementRecorded['data'], 'recordedAt'> & { kind: KeyResultKind; window?: CheckInWindow }
>;

/** What the check-in state keeps of a measurement: enough to tell a repeat from a conflicting one. */
export interface MeasurementVersion {
  value: KeyResultValue;
  measuredAt: string;
  source: string;
}

const text = (value: unknown): string => (typeof value === 'string' ? value.trim() : '');

/**
 * A measurement already recorded with the same value decides nothing (a retried batch); with another
 * value it is refused (`measurement-conflicts`): a source does not rewrite what it sent, people correct it.
 */
export const recordMeasurement = (
  measurementOf: (measurementId: string) => MeasurementVersion | undefined,
  { data, metadata }: RecordMeasurement,
): CheckInEvent[] => {
  const value = checkValue(data.kind, data.value);
  const measuredAt = checkEffectiveAt(data.measuredAt, metadata.now, data.window);
  const source = text(data.source);
  if (source === '' || source.length > MAX_SOURCE_LENGTH) {
    throw ruleBroken('invalid-source', `source names where the value comes from, in 1 to ${MAX_SOURCE_LENGTH} characters.`, { field: 'source' });
  }
  const known = measurementOf(data.measurementId);
  if (known !== undefined) {
    if (known.value === value) return [];
    throw ruleBroken(
      'measurement-conflicts',
      `${source} already sent ${String(known.value)} for ${known.measuredAt}; a measurement is not replaced by another value.`,
      { field: 'value', recorded: known.value, sent: value, measuredAt: known.measuredAt },
    );
  }
  const link = text(data.link);
  return [
    {
      type: 'MeasurementRecorded',
      data: {
        measurementId: data.measurementId,
        keyResultId: data.keyResultId,
        objectiveId: data.objectiveId,
        value,
        measuredAt,
        source,
        ...(link === '' ? {} : { link }),
        serviceAccountId: data.serviceAccountId,
        recordedAt: metadata.now,
      },
    },
  ];
};
