import { Controller, Get, Module } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '@okr/platform';
import { asyncApiDocument, SERVED_SCHEMAS } from '../asyncapi/asyncapi-document';

/** The route of the AsyncAPI document. */
export const ASYNCAPI_ROUTE = '/api/events/asyncapi';

/**
 * `GET /api/events/asyncapi`: the AsyncAPI 3.0 document of the Kafka topics, with every payload
 * schema inlined (docs/asyncapi.yaml is the same document referencing the committed schema files).
 * Public, like the schemas it contains: it describes event shapes, never a tenant's data.
 */
@ApiTags('events')
@Controller('api/events')
export class AsyncApiController {
  private document: Record<string, unknown> | undefined;

  @Get('asyncapi')
  @Public()
  @ApiOperation({ summary: 'The AsyncAPI 3.0 document of the Kafka topics: every topic, its dead-letter topic, every event type and its JSON Schema' })
  @ApiOkResponse({
    description: 'An AsyncAPI 3.0 document (JSON); its parts follow the AsyncAPI 3.0 specification',
    schema: {
      type: 'object',
      required: ['asyncapi', 'info', 'channels', 'operations', 'components'],
      properties: {
        asyncapi: { type: 'string', example: '3.0.0' },
        info: { type: 'object', additionalProperties: true },
        defaultContentType: { type: 'string' },
        servers: { type: 'object', additionalProperties: true },
        channels: { type: 'object', additionalProperties: true },
        operations: { type: 'object', additionalProperties: true },
        components: { type: 'object', additionalProperties: true },
      },
      additionalProperties: true,
    },
  })
  asyncApi(): Record<string, unknown> {
    this.document ??= asyncApiDocument(SERVED_SCHEMAS);
    return this.document;
  }
}

/** Serves the AsyncAPI document; every service imports it (through `serviceFoundation`), the gateway sends the route to any. */
@Module({ controllers: [AsyncApiController] })
export class AsyncApiModule {}
