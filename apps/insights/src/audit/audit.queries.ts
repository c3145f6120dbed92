import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from '@okr/event-store';
import { categoryOf, notFound } from '@okr/okr-domain';
import { streamHistory } from '@okr/platform';

/** The streams whose timeline the audit shows: goals' and check-ins' aggregates. */
export const AUDITED_CATEGORIES: readonly string[] = ['objective', 'cycle', 'checkins', 'learning', 'question'];

export interface AuditEntry {
  type: string;
  revision: number;
  actor: string;
  occurredAt: string;
  reason?: string;
  data: unknown;
}

export class GetAuditTrailQuery extends Query<{ events: AuditEntry[] }> {
  constructor(
    readonly tenantId: string,
    readonly streamId: string,
  ) {
    super();
  }
}

const streamNotFound = (streamId: string) => notFound('stream-not-found', `Stream ${streamId} does not exist`, { streamId });

/** Every event of one stream, oldest first; 404 alike for an absent stream, another tenant's, or another category. */
@QueryHandler(GetAuditTrailQuery)
export class GetAuditTrailHandler implements IQueryHandler<GetAuditTrailQuery> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ tenantId, streamId }: GetAuditTrailQuery): Promise<{ events: AuditEntry[] }> {
    if (!AUDITED_CATEGORIES.includes(categoryOf(streamId))) throw streamNotFound(streamId);
    const history = await streamHistory(this.store, streamId, tenantId);
    if (!history) throw streamNotFound(streamId);
    return {
      events: history.map(({ type, revision, actor, occurredAt, reason, data }) => ({
        type,
        revision,
        actor,
        occurredAt,
        ...(reason === undefined ? {} : { reason }),
        data,
      })),
    };
  }
}
