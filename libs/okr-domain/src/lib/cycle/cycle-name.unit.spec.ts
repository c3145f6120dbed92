import { DeciderSpecification } from '../../testing/decider-spec';
import type { CycleNameCommand, CycleNameEvent } from './cycle-name';
import { cycleNameDecider, cycleNameStreamName, normaliseCycleName } from './cycle-name';

const spec = DeciderSpecification.for(cycleNameDecider);
const meta = { metadata: { now: '2026-09-01T00:00:00.000Z' } };
const reserve = (cycleId: string, name = '2026-Q4', staleHolder?: string): CycleNameCommand => ({
  type: 'ReserveCycleName',
  data: { cycleId, name, ...(staleHolder ? { staleHolder } : {}) },
  ...meta,
});
const release = (cycleId: string): CycleNameCommand => ({ type: 'ReleaseCycleName', data: { cycleId }, ...meta });
const reserved = (cycleId: string, name = '2026-Q4'): CycleNameEvent => ({ type: 'CycleNameReserved', data: { cycleId, name } });
const released = (cycleId: string, name = '2026-Q4'): CycleNameEvent => ({ type: 'CycleNameReleased', data: { cycleId, name } });

describe('cycle name reservation', () => {
  it('reserves a free name', () => {
    spec.given([]).when(reserve('a')).then([reserved('a')]);
    spec.given([reserved('a'), released('a')]).when(reserve('b')).then([reserved('b')]);
  });

  it('refuses a name another cycle holds, naming it', () => {
    const error = spec.given([reserved('a')]).when(reserve('b', '2026-q4')).thenThrows('cycle-name-taken');
    expect(error.message).toBe('A cycle named "2026-Q4" already exists.');
    expect(error.details).toEqual({ field: 'name', name: '2026-q4' });
  });

  it('lets the holder reserve again (a retry) and takes over from a stale holder', () => {
    spec.given([reserved('a')]).when(reserve('a')).thenNothingHappened();
    spec.given([reserved('a')]).when(reserve('b', '2026-Q4', 'a')).then([reserved('b')]);
  });

  it('is released by its holder only', () => {
    spec.given([reserved('a')]).when(release('a')).then([released('a')]);
    spec.given([reserved('a')]).when(release('b')).thenNothingHappened();
    spec.given([]).when(release('a')).thenNothingHappened();
  });

  it('compares names without case, extra spaces or look-alike forms, per tenant', () => {
    expect(normaliseCycleName('  2026 -  Q4 ')).toBe('2026 - q4');
    expect(normaliseCycleName('２０２６-Ｑ４')).toBe('2026-q4');
    expect(cycleNameStreamName('acme', '2026-Q4')).toBe(cycleNameStreamName('acme', ' 2026-q4'));
    expect(cycleNameStreamName('acme', '2026-Q4')).not.toBe(cycleNameStreamName('globex', '2026-Q4'));
    expect(cycleNameStreamName('acme', 'Q4 / 2026')).toBe('cyclename-acme:q4%20%2F%202026');
  });
});
