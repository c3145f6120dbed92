import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { EVENT_STORE, PERSONAL_DATA_KEY_STORE, openSealedValues, type EventStore, type PersonalDataKeyStore } from '@okr/event-store';
import { ReadModelCollections } from '@okr/messaging';
import { mapPage, type Page } from '@okr/platform';
import { READ_STORE, pageCollection, type Filter, type ReadStore } from '@okr/read-store';
import type { ListObjectivesQueryDto, ObjectiveListItemDto } from './objective-list.dto';
import { literalPattern, objectiveListModel, type ObjectiveListDoc } from './objective-list.read-model';

/** A tenant's objectives, newest first, filtered; read from the list read model (eventually consistent). */
export class ListObjectivesQuery extends Query<Page<ObjectiveListItemDto>> {
  constructor(
    readonly tenantId: string,
    readonly query: ListObjectivesQueryDto,
  ) {
    super();
  }
}

@QueryHandler(ListObjectivesQuery)
export class ListObjectivesHandler implements IQueryHandler<ListObjectivesQuery> {
  private readonly collections: ReadModelCollections;

  constructor(
    @Inject(READ_STORE) store: ReadStore,
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(PERSONAL_DATA_KEY_STORE) private readonly keys: PersonalDataKeyStore | null,
  ) {
    this.collections = new ReadModelCollections(store);
  }

  async execute({ tenantId, query }: ListObjectivesQuery): Promise<Page<ObjectiveListItemDto>> {
    const { cycleId, teamId, ownerId, status, q } = query;
    // The list holds no owner in clear: a person is found by the id of their key, and an erased person
    // (no key any more) by nothing. Without a key store nothing is sealed and owners are plain.
    const ownerFilter = ownerId === undefined ? {} : this.keys ? { ownerKeyId: (await this.keys.keyIdOf(tenantId, ownerId)) ?? NO_ONE } : { ownerId };
    const filter: Filter = {
      tenantId,
      ...(cycleId !== undefined ? { cycleId } : {}),
      ...(teamId !== undefined ? { teamId } : {}),
      ...ownerFilter,
      ...(status !== undefined ? { status } : {}),
      ...(q !== undefined && q.trim() !== '' ? { search: { $regex: literalPattern(q.trim()) } } : {}),
    };
    const collection = await this.collections.of<ObjectiveListDoc>(objectiveListModel);
    const page = await pageCollection(collection, filter, query, { list: 'objectives', sortBy: 'createdAt', order: 'desc' });
    const items = mapPage(page, toItem);
    return { ...items, items: await openSealedValues(this.events, items.items) };
  }
}

/** Matches no document: no key id has this form. */
const NO_ONE = 'no-one';

const toItem = (doc: ObjectiveListDoc): ObjectiveListItemDto => ({
  id: doc._id,
  title: doc.title,
  ...(doc.description !== undefined ? { description: doc.description } : {}),
  cycleId: doc.cycleId,
  teamId: doc.teamId,
  ownerId: doc.ownerId,
  status: doc.status,
  keyResultCount: doc.keyResultCount,
  createdAt: doc.createdAt,
  updatedAt: doc.updatedAt,
  revision: doc.revision,
});
