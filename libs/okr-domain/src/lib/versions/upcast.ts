import type { EventEnvelope } from '../shared/envelope';
import { EVENT_UPCASTERS, latestSchemaVersion } from './event-versions';

/** A stored event whose schema version this code cannot read (written by a newer build, or damaged). */
export class UnsupportedSchemaVersionError extends Error {
  constructor(
    readonly eventId: string,
    readonly type: string,
    readonly schemaVersion: number,
    readonly latest: number,
  ) {
    super(`Event ${eventId} (${type}) has schema version ${schemaVersion}; this build reads versions 1 to ${latest}`);
    this.name = 'UnsupportedSchemaVersionError';
  }
}

/**
 * The event as its latest schema version: the stored data passed through each step from its version
 * on, and `schemaVersion` set to the latest. An event already at the latest version is returned as
 * is; otherwise a new envelope is returned and the stored one is left untouched. `hash` stays the
 * hash of the event as stored (a chain is verified on stored events, not on upcast ones).
 *
 * A version above the latest is refused rather than read as if it were the latest: a decider that
 * misreads a newer shape would decide on wrong state.
 */
export function upcast<E extends EventEnvelope>(event: E): E {
  const latest = latestSchemaVersion(event.type);
  if (event.schemaVersion === latest) return event;
  if (!Number.isInteger(event.schemaVersion) || event.schemaVersion < 1 || event.schemaVersion > latest) {
    throw new UnsupportedSchemaVersionError(event.id, event.type, event.schemaVersion, latest);
  }
  const steps = EVENT_UPCASTERS[event.type] ?? [];
  let data: unknown = event.data;
  for (let version = event.schemaVersion; version < latest; version += 1) data = (steps[version - 1] as (older: unknown) => unknown)(data);
  return { ...event, schemaVersion: latest, data: data as E['data'] };
}
