import type { EventEnvelope, EventMetadata } from '@okr/okr-domain';
import { categoryOf } from '@okr/okr-domain';

/**
 * An integration event: the stored event in its latest schema version, as consumers outside the
 * owning service see it. On Kafka the value is this JSON and the headers follow CloudEvents' Kafka
 * binding in binary mode (see `toKafkaMessage`).
 */
export interface IntegrationEvent {
  /** The stored event's id (UUID v7); CloudEvents `ce_id`. */
  id: string;
  /** Past-tense event type, e.g. `KeyResultTargetRevised`; `ce_type`. */
  type: string;
  schemaVersion: number;
  /** The stream, `{category}-{aggregateId}`; `ce_subject`. */
  streamId: string;
  /** The aggregate id: the Kafka key, so one aggregate's events stay in order on one partition. */
  key: string;
  revision: number;
  /** Position in the owning store's global log. */
  position: number;
  data: unknown;
  metadata: EventMetadata;
}

/** Lifts a stored event into an integration event. */
export function toIntegrationEvent(event: EventEnvelope): IntegrationEvent {
  const category = categoryOf(event.streamId);
  return {
    id: event.id,
    type: event.type,
    schemaVersion: event.schemaVersion,
    streamId: event.streamId,
    key: event.streamId.slice(category.length + 1) || event.streamId,
    revision: event.revision,
    position: event.position,
    data: event.data,
    metadata: event.metadata,
  };
}
