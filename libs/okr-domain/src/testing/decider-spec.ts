import type { Command, Decider, DomainEvent } from '../lib/shared/envelope';
import type { DomainErrorKind } from '../lib/shared/errors';
import { DomainError } from '../lib/shared/errors';

/**
 * given(events) / when(command) / then(events | error) for a decider, modelled on emmett's
 * `DeciderSpecification`. Uses Jest's global `expect`, so it is for spec files only and is not
 * exported from the lib's index.
 *
 * @example
 * const spec = DeciderSpecification.for(objectiveDecider);
 * it('activates', () => spec.given([set, krAdded]).when(activate).then([activated]));
 *
 * The object returned by `when` has a `then` method, which makes it look like a promise to `await`
 * and to Jest: call `.then(...)` or `.thenThrows(...)` on it, never return or await it bare.
 */

/** Freezes an object graph so that a decider that mutates its input fails loudly instead of leaking state. */
export const deepFreeze = <T>(value: T): T => {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
};

/** Replays events through `evolve`, freezing every state and event on the way. */
export const replay = <S, C extends Command, E extends DomainEvent>(
  decider: Decider<S, C, E>,
  events: readonly E[],
): S =>
  events.reduce(
    (state, event) => deepFreeze(decider.evolve(state, deepFreeze(event))),
    deepFreeze(decider.initialState()),
  );

/** The outcome checks available once the command is known. */
export interface DeciderThen<E> {
  /**
   * Asserts that `decide` returned exactly these events, in this order. Strict: a field present as
   * `undefined` differs from an absent one, so optional data is either said or left out.
   */
  then: (expected: E[]) => void;
  /** Asserts that `decide` returned no events (an accepted command that changes nothing). */
  thenNothingHappened: () => void;
  /**
   * Asserts that `decide` threw a {@link DomainError} with this code (and kind, when given).
   * Returns the error so a test can look at its details.
   */
  thenThrows: (code: string, kind?: DomainErrorKind) => DomainError;
}

/** A decider specification: start with `given`. */
export interface DeciderSpec<C extends Command, E extends DomainEvent> {
  given: (events: E[]) => { when: (command: C) => DeciderThen<E> };
}

export const DeciderSpecification = {
  /** Starts a specification for one decider. */
  for: <S, C extends Command, E extends DomainEvent>(decider: Decider<S, C, E>): DeciderSpec<C, E> => ({
    given: (events) => ({
      when: (command) => {
        // Replayed here, outside the try below: a broken fixture must fail the test, not pass as "threw".
        const state = replay(decider, events);
        const decide = (): E[] => decider.decide(deepFreeze(command), state);
        return {
          then: (expected) => {
            expect(decide()).toStrictEqual(expected);
          },
          thenNothingHappened: () => {
            expect(decide()).toStrictEqual([]);
          },
          thenThrows: (code, kind) => {
            let error: unknown;
            let events: E[] | undefined;
            try {
              events = decide();
            } catch (thrown) {
              error = thrown;
            }
            if (events !== undefined) {
              throw new Error(`Expected DomainError "${code}", but decide returned ${JSON.stringify(events)}`);
            }
            expect(error).toBeInstanceOf(DomainError);
            const domainError = error as DomainError;
            expect(domainError.code).toBe(code);
            if (kind !== undefined) expect(domainError.kind).toBe(kind);
            return domainError;
          },
        };
      },
    }),
  }),
};
