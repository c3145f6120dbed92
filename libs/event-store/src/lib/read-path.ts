import { latestSchemaVersion, upcast, type EventEnvelope } from '@okr/okr-domain';
import type { NewEvent } from './event-store.port';

/**
 * What every adapter does to a stored event on its way out to a reader (stream reads, `readAll` and
 * subscriptions): it is handed over in its latest schema version, so deciders, projections, replay,
 * the relay and exports only ever see that version. The stored bytes are never rewritten.
 *
 * Readers that must see the event exactly as stored (the hash chain, the auditor's export) ask for
 * `asStored` and skip this path.
 */
export const readPath = (stored: EventEnvelope): EventEnvelope => upcast(stored);

/** The version an append stores: the writer's, or else the type's latest (what deciders now write). */
export const schemaVersionToStore = (event: NewEvent): number => event.schemaVersion ?? latestSchemaVersion(event.type);
