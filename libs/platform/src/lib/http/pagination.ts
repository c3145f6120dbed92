import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsOptional, IsString, MaxLength, ValidateBy } from 'class-validator';
import { ValidationProblem } from '../errors/problems';

/**
 * The one list convention of the platform: a list route takes `limit` and an opaque `cursor`, and
 * answers `{items, nextCursor}`; `nextCursor` is null on the last page. Lists are keyset-paged
 * (sort key + id tiebreak), so a page never repeats or skips an item when items are added before it.
 */

/** Items per page when `limit` is not given. */
export const DEFAULT_PAGE_LIMIT = 50;
/** The largest `limit` a list accepts; more is a 400 naming `limit`. */
export const MAX_PAGE_LIMIT = 200;
/** Cursors are short (a sort key and an id); anything longer is not one of ours. */
const MAX_CURSOR_LENGTH = 512;

/** One page of a list. */
export interface Page<T> {
  items: T[];
  /** Pass it as `cursor` to get the next page; null when this page is the last. */
  nextCursor: string | null;
}

/** `limit` and `cursor` as every list route takes them; list queries with filters extend it. */
export class ListQueryDto {
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: MAX_PAGE_LIMIT,
    default: DEFAULT_PAGE_LIMIT,
    description: `Items per page (1-${MAX_PAGE_LIMIT}, default ${DEFAULT_PAGE_LIMIT})`,
  })
  @IsOptional()
  @Type(() => Number)
  @ValidateBy(
    { name: 'pageLimit', validator: { validate: (value: unknown) => Number.isInteger(value) && (value as number) >= 1 && (value as number) <= MAX_PAGE_LIMIT } },
    { message: `limit must be a whole number from 1 to ${MAX_PAGE_LIMIT}` },
  )
  limit?: number;

  @ApiPropertyOptional({ description: 'The `nextCursor` of the previous page (opaque; omit for the first page)' })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_CURSOR_LENGTH, { message: 'cursor is not a cursor of this list' })
  cursor?: string;
}

/** The paging part of a list query (a {@link ListQueryDto} or anything shaped like one). */
export interface PageRequest {
  limit?: number;
  cursor?: string;
}

/**
 * Where a page ended: the last item's sort key and id. A cursor carries no authority: every list
 * query still applies the caller's tenant and filters, so a forged position only moves within them.
 */
export interface CursorPosition {
  key: string | number | null;
  id: string;
}

/** The cursor after `position` in the list named `list` (base64url of a small JSON document). */
export function encodeCursor(list: string, position: CursorPosition): string {
  return Buffer.from(JSON.stringify({ l: list, k: position.key, i: position.id }), 'utf8').toString('base64url');
}

/**
 * The position in a cursor of the list named `list`; a 400 naming `cursor` when it is malformed,
 * altered, or from another list.
 */
export function decodeCursor(list: string, cursor: string): CursorPosition {
  const invalid = (): ValidationProblem =>
    new ValidationProblem([{ field: 'cursor', message: 'cursor is not a cursor of this list (use the nextCursor of its previous page)' }]);
  if (cursor.length === 0 || cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalid();
  const bytes = Buffer.from(cursor, 'base64url');
  // Node's decoder skips what it cannot read: only a cursor that encodes back to itself is intact.
  if (bytes.toString('base64url') !== cursor) throw invalid();
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw invalid();
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalid();
  const { l, k, i, ...rest } = parsed as Record<string, unknown>;
  const keyOk = k === null || typeof k === 'string' || (typeof k === 'number' && Number.isFinite(k));
  if (l !== list || !keyOk || typeof i !== 'string' || i.length === 0 || Object.keys(rest).length > 0) throw invalid();
  return { key: k as CursorPosition['key'], id: i };
}

/** The page size a request asks for. */
export const pageLimit = (request: PageRequest): number => request.limit ?? DEFAULT_PAGE_LIMIT;

export type SortOrder = 'asc' | 'desc';

/** Compares two positions by key, then id (null keys first, as MongoDB sorts them). */
export function comparePositions(a: CursorPosition, b: CursorPosition): number {
  return compareValues(a.key, b.key) || compareValues(a.id, b.id);
}

function compareValues(a: string | number | null, b: string | number | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  if (typeof a !== typeof b) return typeof a === 'number' ? -1 : 1; // numbers sort before strings
  return a < b ? -1 : 1;
}

export interface ArrayPageSpec<T> {
  /** The list's name, written into its cursors so that another list's cursor is refused. */
  list: string;
  /** The item's sort key and id; `items` must be sorted by them in `order`. */
  position: (item: T) => CursorPosition;
  order?: SortOrder;
}

/** One page of an array already sorted by `spec.position` in `spec.order` (ascending by default). */
export function pageArray<T>(items: readonly T[], request: PageRequest, spec: ArrayPageSpec<T>): Page<T> {
  const direction = spec.order === 'desc' ? -1 : 1;
  let start = 0;
  if (request.cursor !== undefined) {
    const after = decodeCursor(spec.list, request.cursor);
    start = items.findIndex((item) => comparePositions(spec.position(item), after) * direction > 0);
    if (start < 0) start = items.length;
  }
  const limit = pageLimit(request);
  const page = items.slice(start, start + limit);
  const more = start + limit < items.length;
  return { items: page, nextCursor: more ? encodeCursor(spec.list, spec.position(page[page.length - 1])) : null };
}

/** The same page with each item mapped (documents to the list's item shape). */
export const mapPage = <T, U>(page: Page<T>, map: (item: T) => U): Page<U> => ({ items: page.items.map(map), nextCursor: page.nextCursor });
