import type { EventMetadata } from '@okr/okr-domain';
import { jsonCopy, type BulkOperation, type Filter, type IndexDefinition, type ReadDocument } from '@okr/read-store';

/**
 * Read models as PURE projections: no Nest, no I/O. A read model names its collection and indexes,
 * lists the event types it handles, and turns one event into MongoDB-style bulk operations on its
 * own documents, so any `ReadStore` adapter (MongoDB, embedded) can apply them.
 *
 * Read-modify-write: some views cannot be written with update operators alone (an objective's
 * progress depends on each key result's measure AND its latest check-in together). Rather than
 * update pipelines, such a read model says which of its own documents it needs (`reads(event)`, a
 * filter on its own collection); the runner loads them INSIDE the same transaction that then
 * applies the returned operations, the checkpoint and the idempotency record, and passes them to
 * `project`. Read models that need nothing return `undefined` from `reads` and get `[]`.
 *
 * Runner contract, per event, in one `withTransaction` (consecutive events may share one):
 *   if (!model.handles.includes(event.type)) skip;
 *   const filter = model.reads(event);
 *   const current = filter ? await collection.find(filter, { session }) : [];
 *   await collection.bulkWrite(model.project(event, current), session);
 */

/** The part of an integration event (`@okr/messaging` `IntegrationEvent`) a projection reads. */
export interface ProjectedEvent {
  id: string;
  type: string;
  streamId: string;
  revision: number;
  position?: number;
  data: unknown;
  metadata: Pick<EventMetadata, 'tenantId' | 'actor' | 'occurredAt'> & Partial<EventMetadata>;
}

export interface ReadModel<Doc extends ReadDocument = ReadDocument> {
  /** Collection name (a rebuild builds `${name}__v{n}` beside it and renames). */
  readonly name: string;
  readonly indexes: readonly IndexDefinition[];
  /** The event types this read model handles; the runner skips the rest. */
  readonly handles: readonly string[];
  /** Filter on this read model's OWN collection for the documents `project` needs; undefined for none. */
  reads(event: ProjectedEvent): Filter | undefined;
  /** Pure: the event and the documents matched by `reads(event)` -> the operations to apply, in order. */
  project(event: ProjectedEvent, current: readonly Doc[]): BulkOperation[];
}

/**
 * A projected event narrowed to a union of the domain's events (`ProjectedEventOf<CycleEvent |
 * ObjectiveEvent>`). The runner hands `project` only the types a model `handles`, so a model casts
 * once and its `switch (event.type)` narrows `data`; a `default` branch that returns
 * {@link unhandledEvent} makes an event type added to the union a compile error until the model
 * decides what that event does to it.
 */
export type ProjectedEventOf<E extends { type: string; data: unknown }> = E extends unknown
  ? Omit<ProjectedEvent, 'type' | 'data'> & { type: E['type']; data: E['data'] }
  : never;

/** The exhaustive end of a typed `project` switch: reached by no type of the union; writes nothing. */
export const unhandledEvent = (_event: never): BulkOperation[] => [];

/** A replaceOne with upsert: the whole recomputed document. */
export const replaceDocument = (document: ReadDocument): BulkOperation => ({
  replaceOne: { filter: { _id: document._id }, replacement: document, upsert: true },
});

/** Deep copy of a JSON document, as a JSON round trip makes it (documents are plain JSON: no dates, no functions). */
export const cloneJson = <T>(value: T): T => jsonCopy(value);
