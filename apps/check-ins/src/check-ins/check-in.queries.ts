import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from '@okr/event-store';
import { checkInStreamName, checkInsAsOf, checkInsKnownAt, type CheckInView, type EventEnvelope } from '@okr/okr-domain';
import { CheckInsView } from '../view/check-ins.view';
import { keyResultNotFound } from './check-in.commands';

export type CheckInsWhen = { asOf: Date } | { knownAt: Date };

export interface CheckInsList {
  keyResultId: string;
  checkIns: CheckInView[];
  asOf?: string;
  knownAt?: string;
  /** Revision of the key result's check-in stream (its ETag); absent before the first check-in. */
  revision?: number;
}

/** The check-ins of a key result: the corrected truth as of a moment, or what was known at a moment. */
export class ListCheckInsQuery extends Query<CheckInsList> {
  constructor(
    readonly tenantId: string,
    readonly keyResultId: string,
    readonly when: CheckInsWhen,
  ) {
    super();
  }
}

/**
 * Reads `checkins-{keyResultId}` and applies the domain's pure bitemporal query. A stream of another
 * tenant, or a key result this tenant does not have, is a 404.
 */
@QueryHandler(ListCheckInsQuery)
export class ListCheckInsHandler implements IQueryHandler<ListCheckInsQuery> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly view: CheckInsView,
  ) {}

  async execute({ tenantId, keyResultId, when }: ListCheckInsQuery): Promise<CheckInsList> {
    const events: EventEnvelope[] = [];
    for await (const event of this.store.readStream(checkInStreamName(keyResultId))) {
      if (event.metadata.tenantId !== tenantId) throw keyResultNotFound(keyResultId);
      events.push(event);
    }
    if (events.length === 0 && !this.view.keyResult(tenantId, keyResultId)) throw keyResultNotFound(keyResultId);
    const last = events.at(-1);
    return {
      keyResultId,
      checkIns: 'knownAt' in when ? checkInsKnownAt(events, when.knownAt) : checkInsAsOf(events, when.asOf),
      ...('knownAt' in when ? { knownAt: when.knownAt.toISOString() } : { asOf: when.asOf.toISOString() }),
      ...(last ? { revision: last.revision } : {}),
    };
  }
}
