/**
 * Exhaustiveness helpers for switches over discriminated unions. Both take `never`, so a new command
 * or event type that a decider forgets to handle is a compile error, not a silent gap. Pass the
 * message itself, or its `type` when the union has a single member (TypeScript narrows a lone
 * message's discriminant to `never`, but not the message).
 */

const typeOf = (unhandled: unknown): unknown =>
  typeof unhandled === 'object' && unhandled !== null && 'type' in unhandled ? unhandled.type : unhandled;

/** For `decide`: a command nobody handles is a programming error, so fail loudly. */
export const unhandledCommand = (unhandled: never): never => {
  throw new Error(`Unhandled command type: ${JSON.stringify(typeOf(unhandled))}`);
};

/**
 * For `evolve`: an event type this code does not know (written by a newer version, say) leaves the
 * state as it is, so that replay never stops half-way through a stream.
 */
export const ignoreUnknownEvent = <State>(_unhandled: never, state: State): State => state;
