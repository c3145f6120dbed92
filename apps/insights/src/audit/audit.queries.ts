import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from '@okr/event-store';
import { categoryOf, notFound } from '@okr/okr-domain';
import { pageHistory, streamHistory, type HistoryEntry, type Page, type PageRequest } from '@okr/platform';

/** The streams whose timeline the audit shows: goals' and check-ins' aggregates, and insights' own risk signals. */
export const AUDITED_CATEGORIES: readonly string[] = ['objective', 'cycle', 'checkins', 'learning', 'question', 'insight'];

/** One event of an audited stream, with the same fields as goals' and learnings' history. */
export type AuditEntry = HistoryEntry;

export class GetAuditTrailQuery extends Query<Page<AuditEntry>> {
  constructor(
    readonly tenantId: string,
    readonly streamId: string,
    readonly page: PageRequest = {},
  ) {
    super();
  }
}

const streamNotFound = (streamId: string) => notFound('stream-not-found', 'This stream does not exist', { streamId });

/**
 * One page of the events of one stream, oldest first, as goals' history shows it (id, type, revision, position,
 * actor, occurredAt, importedAt for imported events, reason, correlationId, causationId, data); 404
 * alike for an absent stream, another tenant's, or another category.
 */
@QueryHandler(GetAuditTrailQuery)
export class GetAuditTrailHandler implements IQueryHandler<GetAuditTrailQuery> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ tenantId, streamId, page }: GetAuditTrailQuery): Promise<Page<AuditEntry>> {
    if (!AUDITED_CATEGORIES.includes(categoryOf(streamId))) throw streamNotFound(streamId);
    const history = await streamHistory(this.store, streamId, tenantId);
    if (!history) throw streamNotFound(streamId);
    return pageHistory(history, page, 'audit');
  }
}
