import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from '@okr/event-store';
import { checkInStreamName, checkInsAsOf, checkInsKnownAt, effectiveAtMillis, type CheckInView, type EventEnvelope } from '@okr/okr-domain';
import { pageArray, type Page, type PageRequest } from '@okr/platform';
import { CheckInsView } from '../view/check-ins.view';
import { keyResultNotFound } from './check-in.commands';

export type CheckInsWhen = { asOf: Date } | { knownAt: Date };

/** One page of a key result's check-ins, oldest effective first, with what was asked. */
export interface CheckInsList extends Page<CheckInView> {
  keyResultId: string;
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
    readonly page: PageRequest = {},
  ) {
    super();
  }
}

/**
 * Reads `checkins-{keyResultId}` and applies the domain's pure bitemporal query. A stream of another
 * tenant, or a key result this tenant does not have, is a 404 (a 503 while the view catches up).
 */
@QueryHandler(ListCheckInsQuery)
export class ListCheckInsHandler implements IQueryHandler<ListCheckInsQuery> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly view: CheckInsView,
  ) {}

  async execute({ tenantId, keyResultId, when, page }: ListCheckInsQuery): Promise<CheckInsList> {
    const events: EventEnvelope[] = [];
    for await (const event of this.store.readStream(checkInStreamName(keyResultId))) {
      if (event.metadata.tenantId !== tenantId) throw keyResultNotFound(keyResultId);
      events.push(event);
    }
    if (events.length === 0) await this.view.requireKeyResult(tenantId, keyResultId);
    const last = events.at(-1);
    const checkIns = 'knownAt' in when ? checkInsKnownAt(events, when.knownAt) : checkInsAsOf(events, when.asOf);
    return {
      keyResultId,
      ...pageArray(checkIns, page, { list: 'check-ins', position: checkInPosition }),
      ...('knownAt' in when ? { knownAt: when.knownAt.toISOString() } : { asOf: when.asOf.toISOString() }),
      ...(last ? { revision: last.revision } : {}),
    };
  }
}

/**
 * A check-in's place in the list, in the domain's order (effective moment, then recording time; the
 * id only breaks a tie of both): a check-in recorded later for an earlier moment lands before the
 * cursor and never shifts a page already read.
 */
const checkInPosition = (checkIn: CheckInView) => ({
  key: effectiveAtMillis(checkIn.effectiveAt),
  id: `${String(Date.parse(checkIn.recordedAt)).padStart(15, '0')}:${checkIn.id}`,
});
