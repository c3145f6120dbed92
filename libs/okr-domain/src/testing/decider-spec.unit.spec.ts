import type { Command, Decider, DomainEvent } from '../lib/shared/envelope';
import { notFound, ruleBroken } from '../lib/shared/errors';
import { DeciderSpecification, deepFreeze } from './decider-spec';

/** A toy decider, so the helper is tested apart from the domain it will test. */
type Add = Command<'Add', { by: number }>;
type Added = DomainEvent<'Added', { by: number }>;
type Counter = { total: number; history: number[] };

const counter: Decider<Counter, Add, Added> = {
  initialState: () => ({ total: 0, history: [] }),
  evolve: (state, { data }) => ({ total: state.total + data.by, history: [...state.history, data.by] }),
  decide: ({ data }, state) => {
    if (data.by === 0) return [];
    if (data.by < 0) throw ruleBroken('negative', 'No going back.');
    if (data.by > 100) throw notFound('too-far', 'Beyond the end.');
    if (state.total + data.by > 10) throw new RangeError('not a domain error');
    return [{ type: 'Added', data: { by: data.by } }];
  },
};

const add = (by: number): Add => ({ type: 'Add', data: { by }, metadata: { now: '2026-01-01T00:00:00Z' } });
const added = (by: number): Added => ({ type: 'Added', data: { by } });
const spec = DeciderSpecification.for(counter);

describe('DeciderSpecification', () => {
  it('passes when decide returns the expected events', () => {
    spec.given([added(1)]).when(add(2)).then([added(2)]);
  });

  it('folds the given events before deciding', () => {
    // 4 + 4 + 3 > 10 only if both given events were applied.
    expect(() => spec.given([added(4), added(4)]).when(add(3)).then([added(3)])).toThrow('not a domain error');
  });

  it('fails then() when the events differ', () => {
    expect(() => spec.given([]).when(add(2)).then([added(3)])).toThrow();
  });

  it('fails then() when an expected field is absent but the event has it as undefined', () => {
    const loose: Decider<Counter, Add, Added> = { ...counter, decide: ({ data }) => [{ type: 'Added', data: { by: data.by, note: undefined } as Added['data'] }] };
    expect(() => DeciderSpecification.for(loose).given([]).when(add(1)).then([added(1)])).toThrow();
  });

  it('passes thenNothingHappened() only for no events', () => {
    spec.given([]).when(add(0)).thenNothingHappened();
    expect(() => spec.given([]).when(add(1)).thenNothingHappened()).toThrow();
  });

  it('returns the DomainError from thenThrows() for further checks', () => {
    const error = spec.given([]).when(add(-1)).thenThrows('negative', 'rule-broken');
    expect(error.message).toBe('No going back.');
  });

  it('fails thenThrows() when decide returns events instead', () => {
    expect(() => spec.given([]).when(add(1)).thenThrows('negative')).toThrow('Expected DomainError "negative"');
  });

  it('fails thenThrows() for another code', () => {
    expect(() => spec.given([]).when(add(-1)).thenThrows('too-far')).toThrow();
  });

  it('fails thenThrows() for another kind', () => {
    expect(() => spec.given([]).when(add(101)).thenThrows('too-far', 'rule-broken')).toThrow();
  });

  it('fails thenThrows() for an error that is not a DomainError', () => {
    expect(() => spec.given([added(10)]).when(add(1)).thenThrows('negative')).toThrow();
  });

  it('lets a broken fixture fail the test instead of counting as the expected error', () => {
    const broken: Decider<Counter, Add, Added> = {
      ...counter,
      evolve: () => {
        throw ruleBroken('negative', 'evolve blew up');
      },
    };
    expect(() => DeciderSpecification.for(broken).given([added(1)]).when(add(-1))).toThrow('evolve blew up');
  });

  it('catches a decider that mutates the state it was given', () => {
    const mutating: Decider<Counter, Add, Added> = {
      ...counter,
      decide: ({ data }, state) => {
        state.history.push(data.by);
        return [added(data.by)];
      },
    };
    expect(() => DeciderSpecification.for(mutating).given([added(1)]).when(add(1)).then([added(1)])).toThrow(TypeError);
  });

  it('deep-freezes nested objects', () => {
    const frozen = deepFreeze({ a: { b: [1] } });
    expect(Object.isFrozen(frozen.a.b)).toBe(true);
  });
});
