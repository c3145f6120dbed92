import { decodeCursor, encodeCursor, pageLimit, type CursorPosition, type Page, type PageRequest, type SortOrder } from '@okr/platform';
import type { Filter, FindOptions, ReadCollection, ReadDocument } from './read-store.port';

export interface CollectionPageSpec {
  /** The list's name, written into its cursors so that another list's cursor is refused. */
  list: string;
  /** The document field the list is sorted by (present on every document); `_id` breaks ties. */
  sortBy: string;
  order: SortOrder;
  projection?: FindOptions['projection'];
}

/**
 * One page of a read-store query, by keyset: sorted by `spec.sortBy` then `_id` in `spec.order`,
 * starting after the cursor's position. Index the collection on the filter's fields + `sortBy`.
 */
export async function pageCollection<T extends ReadDocument>(
  collection: ReadCollection<T>,
  filter: Filter,
  request: PageRequest,
  spec: CollectionPageSpec,
): Promise<Page<T>> {
  const direction = spec.order === 'desc' ? -1 : 1;
  const limit = pageLimit(request);
  let query = filter;
  if (request.cursor !== undefined) {
    const after = decodeCursor(spec.list, request.cursor);
    const beyond = direction > 0 ? '$gt' : '$lt';
    const keyset =
      spec.sortBy === '_id'
        ? { _id: { [beyond]: after.id } }
        : { $or: [{ [spec.sortBy]: { [beyond]: after.key } }, { [spec.sortBy]: after.key, _id: { [beyond]: after.id } }] };
    query = { $and: [filter, keyset] };
  }
  const sort = spec.sortBy === '_id' ? { _id: direction } : { [spec.sortBy]: direction, _id: direction };
  const found = await collection.find(query, {
    sort: sort as FindOptions['sort'],
    limit: limit + 1,
    ...(spec.projection ? { projection: { ...spec.projection, [spec.sortBy]: 1 } } : {}),
  });
  const items = found.slice(0, limit);
  const last = items[items.length - 1];
  const nextCursor =
    found.length > limit ? encodeCursor(spec.list, { key: spec.sortBy === '_id' ? null : (last[spec.sortBy] as CursorPosition['key']) ?? null, id: last._id }) : null;
  return { items, nextCursor };
}
