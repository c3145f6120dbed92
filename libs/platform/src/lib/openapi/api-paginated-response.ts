import { applyDecorators, type Type } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, getSchemaPath, type SchemaObject } from '@nestjs/swagger';

export interface PaginatedResponseOptions {
  description?: string;
  /** Properties answered beside `items` and `nextCursor` (e.g. a feed's totals). */
  extra?: Record<string, SchemaObject>;
  /** Which of the `extra` properties are always answered (the others are optional). */
  required?: readonly string[];
}

/** The OpenAPI schema of a page of `item`: `{items: item[], nextCursor: string | null}`. */
export function paginatedSchema(item: Type<unknown>, extra: Record<string, SchemaObject> = {}, required: readonly string[] = []): SchemaObject {
  return {
    type: 'object',
    required: ['items', 'nextCursor', ...required],
    properties: {
      items: { type: 'array', items: { $ref: getSchemaPath(item) } },
      nextCursor: {
        type: 'string',
        nullable: true,
        description: 'Pass as `cursor` for the next page; null on the last page',
      },
      ...extra,
    },
  };
}

/**
 * Documents a list route's 200 response as a page of `item` (see `ListQueryDto` for its `limit` and
 * `cursor` parameters, which the route's query DTO inherits).
 */
export function ApiPaginatedResponse(item: Type<unknown>, options: PaginatedResponseOptions = {}): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiExtraModels(item),
    ApiOkResponse({ description: options.description ?? 'One page of the list', schema: paginatedSchema(item, options.extra, options.required) }),
  );
}
