import { Body, Controller, HttpCode, Inject, Post, Req, type Type as ClassType } from '@nestjs/common';
import { ModuleRef, ModulesContainer } from '@nestjs/core';
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
import type { FastifyRequest } from 'fastify';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { AppendBatch, EVENT_STORE, runInAppendBatch, type EventStore } from '@okr/event-store';
import { Permission } from '../auth/permission.decorator';
import { PLATFORM_CONFIG, type PlatformConfig } from '../config/platform-config';
import { problemOf } from '../errors/problem-details.filter';
import { Problem, ValidationProblem, type FieldError } from '../errors/problems';
import { ImportDispatcher } from './import-dispatcher';
import { importedWriteOf } from './import-headers';
import { importPathProblem, normaliseRequestPath } from './import-path';
import { countAgainstPrincipalLimit } from './security';

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

/** The name an item gives its answer's id (`ref`), and how later items of the request use it. */
export const IMPORT_REF_NAME = /^[A-Za-z0-9_.-]{1,100}$/;
const REF_USE = /^\$ref:([A-Za-z0-9_.-]{1,100})$/;

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

  /** A name for the id this item's answer gives, for later items of the same request. */
  @ApiPropertyOptional({
    description:
      "A name for the id this item's answer gives (its body's `id`), unique in the request. A later item of the same request " +
      'uses it as a whole path segment or a whole string of its body, `$ref:NAME`, e.g. `/api/v1/objectives/$ref:o1/key-results` ' +
      'or `{"cycleId": "$ref:q1"}`: an objective and its key results, or a check-in and its correction, go in one request.',
    pattern: IMPORT_REF_NAME.source,
    maxLength: 100,
    example: 'o1',
  })
  @IsOptional() @IsString() @Matches(IMPORT_REF_NAME, { message: 'ref must be 1 to 100 letters, digits, ".", "_" or "-"' })
  ref?: string;
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
 * Each item runs in order, in-process, on the ordinary route at its normalised path, called directly
 * rather than through the HTTP stack again (see {@link ImportDispatcher}: same caller, permission,
 * validation, handler and deciders, and each item counts against the caller's rate limit); its events get `occurredAt` = `at`, `importedAt` = the time of
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
 * committed. An item may name the id its answer gives (`ref`) so that later items of the same
 * request use it (`$ref:NAME` as a path segment or a body string): a whole plan in one request.
 */
export function createImportController(service: string): ClassType {
  if (!/^[a-z][a-z-]*$/.test(service)) throw new Error(`An import route needs a service name such as "goals", not "${service}"`);

  @ApiTags('imports')
  @Controller(`${IMPORTS_PATH}/${service}`)
  class ImportController {
    private dispatcher: ImportDispatcher | undefined;

    constructor(
      private readonly modules: ModulesContainer,
      private readonly moduleRef: ModuleRef,
      @Inject(EVENT_STORE) private readonly store: EventStore,
      @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
      @InjectPinoLogger(`ImportController(${service})`) private readonly logger: PinoLogger,
    ) {}

    @Post()
    @Permission('tenant:admin')
    @HttpCode(200)
    @ApiOperation({ summary: 'Import past writes at their original times (admin)' })
    @ApiOkResponse({ type: ImportResultsDto })
    async import(@Body() body: ImportDto, @Req() request: FastifyRequest): Promise<{ results: ImportResult[] }> {
      // However the path was spelled, a request that the import itself sent may not import again.
      if (importedWriteOf(request)) throw new ValidationProblem([{ field: 'path', message: 'an import may not contain an import' }]);
      validateItems(body.items, Date.now());

      // Built on the first import, when every controller of the service exists.
      this.dispatcher ??= new ImportDispatcher(this.modules, this.moduleRef, `/${IMPORTS_PATH}/`);
      const dispatcher = this.dispatcher;
      const batch = new AppendBatch(this.store);
      const results: ImportResult[] = [];
      const ids = new Map<string, string>();
      let failed: { index: number; status: number; problem: unknown } | undefined;
      await runInAppendBatch(batch, async () => {
        for (const [index, item] of body.items.entries()) {
          const mark = batch.mark();
          const path = withRefs(item.request.path, ids, true) as string;
          try {
            await countAgainstPrincipalLimit(this.config, request);
            const normalised = normaliseRequestPath(path);
            const pathProblem = importPathProblem(normalised);
            if (pathProblem || normalised === undefined) throw new ValidationProblem([{ field: 'path', message: pathProblem ?? 'must be a URL path' }]);
            const answer = await dispatcher.dispatch(
              {
                method: item.request.method,
                path: normalised,
                body: withRefs(item.request.body ?? {}, ids, false) as Record<string, unknown>,
                at: new Date(item.at),
                ...(item.actor ? { actor: item.actor } : {}),
              },
              request,
            );
            if (item.ref !== undefined) {
              const id = (answer.body as { id?: unknown } | undefined)?.id;
              if (typeof id !== 'string') {
                throw new Problem({ status: 422, code: 'import-ref-without-id', title: 'Nothing to refer to', detail: `The answer of ${item.request.method} ${item.request.path} has no id for ref "${item.ref}".` });
              }
              ids.set(item.ref, id);
            }
            results.push(answer.body === undefined ? { status: answer.status } : { status: answer.status, body: answer.body });
          } catch (error) {
            batch.rollbackTo(mark);
            const problem = problemOf(error);
            if (problem.status >= 500) this.logger.error({ err: error, index, method: item.request.method, path }, 'Import item failed with an unexpected error');
            failed = { index, status: problem.status, problem: { ...problem, instance: path.split('?')[0], correlationId: String(request.id) } };
            return;
          }
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
 * path must name a route an import may replay once normalised; a `ref` names one item only, and an
 * item uses only refs of items before it.
 */
function validateItems(items: readonly ImportItemDto[], nowMillis: number): void {
  const errors: FieldError[] = [];
  const named = new Map<string, number>();
  let previous = -Infinity;
  items.forEach((item, index) => {
    const problem = importPathProblem(normaliseRequestPath(item.request.path));
    if (problem) errors.push({ field: `items.${index}.request.path`, message: problem });
    const at = Date.parse(item.at);
    if (at > nowMillis) errors.push({ field: `items.${index}.at`, message: 'must be in the past' });
    if (at < previous) errors.push({ field: `items.${index}.at`, message: 'must not be before the previous item (chronological order)' });
    previous = Math.max(previous, at);
    const unknownRef = (field: string) => (name: string) => {
      if (!named.has(name)) errors.push({ field, message: `uses $ref:${name}, which no earlier item of this request names` });
    };
    refsInPath(item.request.path).forEach(unknownRef(`items.${index}.request.path`));
    refsInBody(item.request.body, `items.${index}.request.body`, (field, name) => unknownRef(field)(name));
    if (item.ref !== undefined) {
      const earlier = named.get(item.ref);
      if (earlier !== undefined) errors.push({ field: `items.${index}.ref`, message: `already names item ${earlier}` });
      else named.set(item.ref, index);
    }
  });
  if (errors.length > 0) throw new ValidationProblem(errors);
}

const refOf = (text: string): string | undefined => REF_USE.exec(text)?.[1];

function refsInPath(path: string): string[] {
  return path
    .split('?')[0]
    .split('/')
    .map((segment) => refOf(safeDecode(segment)))
    .filter((name): name is string => name !== undefined);
}

function refsInBody(value: unknown, field: string, found: (field: string, name: string) => void): void {
  if (typeof value === 'string') {
    const name = refOf(value);
    if (name !== undefined) found(field, name);
  } else if (Array.isArray(value)) value.forEach((v, i) => refsInBody(v, `${field}[${i}]`, found));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) refsInBody(v, `${field}.${k}`, found);
}

/** The path (`inPath`: its segments) or body with each `$ref:NAME` replaced by the id it names. */
function withRefs(value: unknown, ids: ReadonlyMap<string, string>, inPath: boolean): unknown {
  if (ids.size === 0) return value;
  if (inPath) {
    const text = value as string;
    const queryAt = text.indexOf('?');
    const pathname = queryAt < 0 ? text : text.slice(0, queryAt);
    const replaced = pathname
      .split('/')
      .map((segment) => {
        const name = refOf(safeDecode(segment));
        return name === undefined ? segment : encodeURIComponent(ids.get(name) ?? segment);
      })
      .join('/');
    return queryAt < 0 ? replaced : replaced + text.slice(queryAt);
  }
  if (typeof value === 'string') {
    const name = refOf(value);
    return name === undefined ? value : (ids.get(name) ?? value);
  }
  if (Array.isArray(value)) return value.map((v) => withRefs(v, ids, false));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withRefs(v, ids, false)]));
  return value;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
