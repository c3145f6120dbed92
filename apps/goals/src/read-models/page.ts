import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { ValidationProblem } from '@okr/platform';
import type { Filter, ReadCollection, ReadDocument } from '@okr/read-store';

/**
 * The list convention (`limit`, opaque `cursor`, `{items, nextCursor}`) for goals' lists, keyset-paged
 * on a sort field then `_id`. Same signatures as the platform's shared pagination helper, so that the
 * lists move onto it by changing their import.
 */
export const DEFAULT_PAGE_LIMIT = 50;
export const MAX_PAGE_LIMIT = 200;

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export class ListQueryDto {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_PAGE_LIMIT, default: DEFAULT_PAGE_LIMIT })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: `limit must be a whole number from 1 to ${MAX_PAGE_LIMIT}` })
  @Min(1, { message: `limit must be a whole number from 1 to ${MAX_PAGE_LIMIT}` })
  @Max(MAX_PAGE_LIMIT, { message: `limit must be a whole number from 1 to ${MAX_PAGE_LIMIT}` })
  limit?: number;

  @ApiPropertyOptional({ description: 'The `nextCursor` of the previous page (opaque; omit for the first page)' })
  @IsOptional()
  @IsString()
  @MaxLength(512, { message: 'cursor is not a cursor of this list' })
  cursor?: string;
}

export interface CollectionPageSpec {
  list: string;
  sortBy: string;
  order: 'asc' | 'desc';
}

type Position = { key: string | number | null; id: string };

const invalidCursor = () => new ValidationProblem([{ field: 'cursor', message: 'cursor is not a cursor of this list (use the nextCursor of its previous page)' }]);

function decodeCursor(list: string, cursor: string): Position {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { l?: unknown; k?: unknown; i?: unknown };
    if (parsed.l !== list || typeof parsed.i !== 'string') throw invalidCursor();
    return { key: parsed.k as Position['key'], id: parsed.i };
  } catch {
    throw invalidCursor();
  }
}

const encodeCursor = (list: string, position: Position): string =>
  Buffer.from(JSON.stringify({ l: list, k: position.key, i: position.id }), 'utf8').toString('base64url');

export async function pageCollection<T extends ReadDocument>(
  collection: ReadCollection<T>,
  filter: Filter,
  request: { limit?: number; cursor?: string },
  spec: CollectionPageSpec,
): Promise<Page<T>> {
  const direction = spec.order === 'desc' ? -1 : 1;
  const limit = request.limit ?? DEFAULT_PAGE_LIMIT;
  let query = filter;
  if (request.cursor !== undefined) {
    const after = decodeCursor(spec.list, request.cursor);
    const beyond = direction > 0 ? '$gt' : '$lt';
    query = { $and: [filter, { $or: [{ [spec.sortBy]: { [beyond]: after.key } }, { [spec.sortBy]: after.key, _id: { [beyond]: after.id } }] }] };
  }
  const found = await collection.find(query, { sort: { [spec.sortBy]: direction, _id: direction }, limit: limit + 1 });
  const items = found.slice(0, limit);
  const last = items[items.length - 1];
  const nextCursor = found.length > limit ? encodeCursor(spec.list, { key: (last[spec.sortBy] as Position['key']) ?? null, id: last._id }) : null;
  return { items, nextCursor };
}
