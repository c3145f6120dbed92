import { Controller, Get, Header, HttpStatus, Module, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { EVENT_SCHEMAS, eventSchema, latestSchemaVersion, type EventSchemaEntry, type JsonSchema } from '@okr/event-contracts';
import { Public } from '../auth/principal';
import { Problem } from '../errors/problems';
import { mapPage, pageArray, type Page } from '../http/pagination';
import { ApiPaginatedResponse } from '../openapi/api-paginated-response';
import { EventSchemaParamsDto, EventSchemaSummaryDto, ListEventSchemasQueryDto } from './event-schemas.dto';

/** The media type of a JSON Schema document. */
export const SCHEMA_MEDIA_TYPE = 'application/schema+json';

/** 404: no event type of that name, or not at that version. */
export class EventSchemaNotFoundProblem extends Problem {
  constructor(type: string, version: number) {
    const known = latestSchemaVersion(type);
    super({
      status: HttpStatus.NOT_FOUND,
      code: 'event-schema-not-found',
      title: 'Not Found',
      detail: known === undefined ? `No event type is named ${type}.` : `${type} has schema versions 1 to ${known}, not ${version}.`,
      details: { type, version },
    });
  }
}

const summary = (entry: EventSchemaEntry): EventSchemaSummaryDto => ({
  type: entry.type,
  version: entry.version,
  id: entry.id,
  path: entry.path,
  latest: latestSchemaVersion(entry.type) === entry.version,
});

/**
 * The contract of the events for those who consume them downstream: the JSON Schema (2020-12) of
 * every event type's data at every schema version, from `@okr/event-contracts`. Every service serves
 * the same catalogue (the gateway sends the route to any of them). Public: a schema says what the
 * platform publishes, never anything a tenant wrote.
 */
@ApiTags('events')
@Controller('api/events/schemas')
export class EventSchemasController {
  @Get()
  @Public()
  @ApiOperation({ summary: 'The event schema catalogue: every event type and schema version, by type then version' })
  @ApiPaginatedResponse(EventSchemaSummaryDto)
  list(@Query() query: ListEventSchemasQueryDto): Page<EventSchemaSummaryDto> {
    const page = pageArray(EVENT_SCHEMAS, query, { list: 'event-schemas', position: (e) => ({ key: e.type, id: String(e.version).padStart(6, '0') }) });
    return mapPage(page, summary);
  }

  @Get(':type/:version')
  @Public()
  @Header('Content-Type', `${SCHEMA_MEDIA_TYPE}; charset=utf-8`)
  @Header('Cache-Control', 'public, max-age=300')
  @ApiOperation({ summary: "One event type's data schema at one version (JSON Schema 2020-12)" })
  @ApiOkResponse({
    description: 'The JSON Schema of the event data, `$id` `urn:okr:event:<type>:v<version>`; properties holding personal data carry `x-personal-data: true`',
    content: {
      [SCHEMA_MEDIA_TYPE]: {
        schema: {
          type: 'object',
          required: ['$schema', '$id', 'title'],
          properties: { $schema: { type: 'string' }, $id: { type: 'string' }, title: { type: 'string' }, type: { type: 'string' } },
          additionalProperties: true,
        },
      },
    },
  })
  one(@Param() params: EventSchemaParamsDto): JsonSchema {
    const schema = eventSchema(params.type, params.version);
    if (!schema) throw new EventSchemaNotFoundProblem(params.type, params.version);
    return schema;
  }
}

/** Serves the event schema catalogue; every service imports it (through `serviceFoundation`). */
@Module({ controllers: [EventSchemasController] })
export class EventSchemasModule {}
