import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { EVENT_STORE, loadAggregate, type EventStore } from '@okr/event-store';
import { OBJECTIVE_CATEGORY, notFound, objectiveDecider, streamName } from '@okr/okr-domain';
import { toObjectiveView, type ObjectiveView } from './objective.view';

const objectiveNotFound = (objectiveId: string, asOf?: Date) =>
  notFound(
    'objective-not-found',
    asOf ? `Objective ${objectiveId} did not exist at ${asOf.toISOString()}` : `Objective ${objectiveId} does not exist`,
    { objectiveId },
  );

/** The objective now, or as it stood at `asOf` (the same fold, stopped at an instant). */
export class GetObjectiveQuery extends Query<ObjectiveView> {
  constructor(
    readonly tenantId: string,
    readonly objectiveId: string,
    readonly asOf?: Date,
  ) {
    super();
  }
}

@QueryHandler(GetObjectiveQuery)
export class GetObjectiveHandler implements IQueryHandler<GetObjectiveQuery> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ tenantId, objectiveId, asOf }: GetObjectiveQuery): Promise<ObjectiveView> {
    const stream = streamName(OBJECTIVE_CATEGORY, objectiveId);
    const loaded = await loadAggregate(this.store, stream, objectiveDecider, tenantId, asOf);
    if (loaded.state.status === 'empty' || loaded.revision === 'no_stream' || !loaded.last) {
      throw objectiveNotFound(objectiveId, asOf);
    }
    return toObjectiveView(loaded.state, loaded.revision, loaded.last, asOf);
  }
}

export interface HistoryEntry {
  id: string;
  type: string;
  revision: number;
  position: number;
  actor: string;
  occurredAt: string;
  reason?: string;
  correlationId: string;
  causationId: string;
  data: unknown;
}

/** Every event of an objective, oldest first: who changed what, when and why. */
export class GetObjectiveHistoryQuery extends Query<{ events: HistoryEntry[] }> {
  constructor(
    readonly tenantId: string,
    readonly objectiveId: string,
  ) {
    super();
  }
}

@QueryHandler(GetObjectiveHistoryQuery)
export class GetObjectiveHistoryHandler implements IQueryHandler<GetObjectiveHistoryQuery> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ tenantId, objectiveId }: GetObjectiveHistoryQuery): Promise<{ events: HistoryEntry[] }> {
    const events: HistoryEntry[] = [];
    for await (const event of this.store.readStream(streamName(OBJECTIVE_CATEGORY, objectiveId))) {
      if (event.metadata.tenantId !== tenantId) throw objectiveNotFound(objectiveId);
      const data = event.data as { reason?: unknown };
      events.push({
        id: event.id,
        type: event.type,
        revision: event.revision,
        position: event.position,
        actor: event.metadata.actor,
        occurredAt: event.metadata.occurredAt,
        ...(typeof data.reason === 'string' ? { reason: data.reason } : {}),
        correlationId: event.metadata.correlationId,
        causationId: event.metadata.causationId,
        data: event.data,
      });
    }
    if (events.length === 0) throw objectiveNotFound(objectiveId);
    return { events };
  }
}
