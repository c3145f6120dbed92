import { Body, Controller, HttpCode, Inject, Post, Req, type Type as ClassType } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppendBatch, EVENT_STORE, runInAppendBatch, type EventStore } from '@okr/event-store';
import { Permission } from '../auth/permission.decorator';
import { Problem, ValidationProblem } from '../errors/problems';
import { CORRELATION_ID_HEADER } from '../logging/correlation-id';
import { IMPORT_ACTOR_HEADER, IMPORT_AT_HEADER, IMPORT_TOKEN, IMPORT_TOKEN_HEADER, importedWriteOf } from './import-headers';
import { importPathProblem, normaliseRequestPath } from './import-path';

/** Most items in one import request. */
export const MAX_IMPORT_ITEMS = 1000;

export class ImportedRequestDto {
  @ApiProperty({ enum: ['POST', 'PUT', 'PATCH'] })
  @IsIn(['POST', 'PUT', 'PATCH'])
  method!: 'POST' | 'PUT' | 'PATCH';

  /** A write route of this service, e.g. `/api/v1/objectives` (checked once normalised: see `normaliseRequestPath`). */
  @ApiProperty({ description: 'A write route of this service', example: '/api/v1/objectives', maxLength: 500 })
  @IsString() @MaxLength(500) @Matches(/^\/\S*$/, { message: 'path must be a URL path such as /api/v1/objectives' })
  path!: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'The JSON body the route takes' })
  @IsOptional() @IsObject()
  body?: Record<string, unknown>;
}

export class ImportItemDto {
  /** The original time of the change: an ISO-8601 instant in the past. */
  @ApiProperty({ format: 'date-time', description: 'The original time of the change, in the past, not before the previous item', example: '2026-10-02T09:00:00Z' })
  @IsISO8601({ strict: true })
  at!: string;

  /** The original author; the caller when omitted. */
  @ApiPropertyOptional({ description: 'The original author; the caller when omitted', maxLength: 200 })
  @IsOptional() @IsString() @MaxLength(200)
  actor?: string;

  @ApiProperty({ type: ImportedRequestDto })
  @IsObject() @ValidateNested() @Type(() => ImportedRequestDto)
  request!: ImportedRequestDto;
}

export class ImportDto {
  @ApiProperty({ type: [ImportItemDto], minItems: 1, maxItems: MAX_IMPORT_ITEMS, description: 'In chronological order' })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(MAX_IMPORT_ITEMS) @IsObject({ each: true, message: 'each of items must be an object {at, actor?, request}' })
  @ValidateNested({ each: true }) @Type(() => ImportItemDto)
  items!: ImportItemDto[];
}

export class ImportResult {
  @ApiProperty({ description: 'The status the route answered', example: 201 })
  status!: number;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: "The route's answer (absent when it had no body)" })
  body?: unknown;
}

export class ImportResultsDto {
  @ApiProperty({ type: [ImportResult], description: 'One per item, in order' })
  results!: ImportResult[];
}

/** Every service's import route is under this path, followed by the service's name. */
export const IMPORTS_PATH = 'api/v1/imports';

/**
 * The import route of one service, `POST /api/v1/imports/{service}` (admin only): replays writes of
 * this service at their original times, e.g. when migrating from another OKR tool. Each service that
 * takes imports gets its own path (goals `/api/v1/imports/goals`, check-ins
 * `/api/v1/imports/check-ins`), so that one origin can route every path to exactly one service.
 * Each item runs in order, in-process, through the ordinary route (same token, same validation and
 * deciders) at its normalised path; its events get `occurredAt` = `at`, `importedAt` = the time of
 * import, and the import's correlation id. The items' appends are held in one {@link AppendBatch}
 * (each item decides on the store and on what the items before it appended) and committed in one
 * transaction when the request ends: one durable commit per request rather than one per item, and a
 * process that dies mid-request has written nothing of it, so the request can be sent again whole.
 *
 * Imports add history; they never rewrite it. An imported command may only create a stream or extend
 * one that imports alone wrote, never before that stream's last event (`handleCommand` refuses it
 * with 422 `import-into-live-stream` / `import-out-of-order`), so no as-of answer about a record with
 * a live change ever moves. Items must be in chronological order; the first failing item stops the
 * batch (422, with its index and problem): what it appended is dropped, the items before it are
 * committed.
 */
export function createImportController(service: string): ClassType {
  if (!/^[a-z][a-z-]*$/.test(service)) throw new Error(`An import route needs a service name such as "goals", not "${service}"`);

  @ApiTags('imports')
  @Controller(`${IMPORTS_PATH}/${service}`)
  class ImportController {
    constructor(
      private readonly adapterHost: HttpAdapterHost,
      @Inject(EVENT_STORE) private readonly store: EventStore,
    ) {}

    @Post()
    @Permission('tenant:admin')
    @HttpCode(200)
    @ApiOperation({ summary: 'Import past writes at their original times (admin)' })
    @ApiOkResponse({ type: ImportResultsDto })
    async import(@Body() body: ImportDto, @Req() request: FastifyRequest): Promise<{ results: ImportResult[] }> {
      // However the path was spelled, a request that the import itself sent may not import again.
      if (importedWriteOf(request)) throw new ValidationProblem([{ field: 'path', message: 'an import may not contain an import' }]);
      const paths = validateItems(body.items, Date.now());

      const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
      const authorization = request.headers.authorization;
      const batch = new AppendBatch(this.store);
      const results: ImportResult[] = [];
      let failed: { index: number; status: number; problem: unknown } | undefined;
      await runInAppendBatch(batch, async () => {
        for (const [index, item] of body.items.entries()) {
          const mark = batch.mark();
          const response = await fastify.inject({
            method: item.request.method,
            url: paths[index],
            headers: {
              ...(authorization ? { authorization } : {}),
              [CORRELATION_ID_HEADER]: String(request.id),
              'content-type': 'application/json',
              [IMPORT_TOKEN_HEADER]: IMPORT_TOKEN,
              [IMPORT_AT_HEADER]: new Date(item.at).toISOString(),
              ...(item.actor ? { [IMPORT_ACTOR_HEADER]: item.actor } : {}),
            },
            payload: JSON.stringify(item.request.body ?? {}),
          });
          const responseBody = parse(response.body);
          if (response.statusCode < 200 || response.statusCode >= 300) {
            batch.rollbackTo(mark);
            failed = { index, status: response.statusCode, problem: responseBody };
            return;
          }
          results.push({ status: response.statusCode, body: responseBody });
        }
      });
      await batch.commit();
      if (failed) {
        const item = body.items[failed.index] as ImportItemDto;
        throw new Problem({
          status: 422,
          code: 'import-item-failed',
          title: 'Import stopped',
          detail: `Item ${failed.index} (${item.request.method} ${item.request.path}) failed with ${failed.status}; items before it were imported.`,
          details: { ...failed, imported: results.length, results },
        });
      }
      return { results };
    }
  }
  return ImportController;
}

/**
 * `at` must be in the past and non-decreasing, so that as-of reads see the history in order; each
 * path must name a route an import may replay once normalised. Returns the normalised paths.
 */
function validateItems(items: readonly ImportItemDto[], nowMillis: number): string[] {
  const errors: { field: string; message: string }[] = [];
  const paths: string[] = [];
  let previous = -Infinity;
  items.forEach((item, index) => {
    const path = normaliseRequestPath(item.request.path);
    const problem = importPathProblem(path);
    if (problem) errors.push({ field: `items.${index}.request.path`, message: problem });
    paths.push(path ?? item.request.path);
    const at = Date.parse(item.at);
    if (at > nowMillis) errors.push({ field: `items.${index}.at`, message: 'must be in the past' });
    if (at < previous) errors.push({ field: `items.${index}.at`, message: 'must not be before the previous item (chronological order)' });
    previous = Math.max(previous, at);
  });
  if (errors.length > 0) throw new ValidationProblem(errors);
  return paths;
}

function parse(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
