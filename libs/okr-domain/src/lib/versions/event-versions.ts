import { ownershipTransferredV1ToV2 } from '../objective/objective.upcasters';

/**
 * Lifts the data of one schema version of an event type to the next. Pure and total over the
 * version it reads: it runs on every read of every stored event of that version, forever.
 */
// `never`: any step typed by its own older version's data fits; `upcast` hands each step its version.
export type UpcastStep = (data: never) => unknown;

/**
 * The one place that declares event schema versions: per event type, the steps v1 -> v2, v2 -> v3, …
 * A type's latest version is its number of steps + 1; a type not listed is at version 1. The
 * TypeScript type of the latest version carries the event's name (`ObjectiveOwnershipTransferred`);
 * an older version N is kept beside its upcaster as `<EventType>V<N>`.
 *
 * To change an event's shape: give the new shape the event's name, keep the old one as `…V<N>`, and
 * append its step here. Writers then write the new version and every reader sees only it.
 */
export const EVENT_UPCASTERS: Readonly<Record<string, readonly UpcastStep[]>> = {
  ObjectiveOwnershipTransferred: [ownershipTransferredV1ToV2],
};

/** The latest schema version of every event type that has more than one (all others are at 1). */
export const EVENT_SCHEMA_VERSIONS: Readonly<Record<string, number>> = Object.freeze(
  Object.fromEntries(Object.entries(EVENT_UPCASTERS).map(([type, steps]) => [type, steps.length + 1])),
);

/** The schema version written from now on, and read by deciders and projections, for `type`. */
export const latestSchemaVersion = (type: string): number => EVENT_SCHEMA_VERSIONS[type] ?? 1;
