import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { Matches, ValidateBy } from 'class-validator';
import { ListQueryDto } from '../http/pagination';

/** One entry of the event schema catalogue. */
export class EventSchemaSummaryDto {
  @ApiProperty({ description: 'The event type (a past-tense fact)', example: 'KeyResultAdded' })
  type!: string;

  @ApiProperty({ type: 'integer', minimum: 1, description: "The schema version (an event envelope's `schemaVersion`)", example: 1 })
  version!: number;

  @ApiProperty({ description: "The schema's `$id`", example: 'urn:okr:event:KeyResultAdded:v1' })
  id!: string;

  @ApiProperty({ description: 'Where to read it (CloudEvents `dataschema` names it)', example: '/api/events/schemas/KeyResultAdded/1' })
  path!: string;

  @ApiProperty({ description: 'Whether this is the version written and published today (older ones are upcast on read)' })
  latest!: boolean;
}

/** `GET /api/events/schemas`: the list convention's `limit` and `cursor`. */
export class ListEventSchemasQueryDto extends ListQueryDto {}

/** `GET /api/events/schemas/{type}/{version}`. */
export class EventSchemaParamsDto {
  @ApiProperty({ description: 'The event type', example: 'KeyResultAdded' })
  @Matches(/^[A-Z][A-Za-z0-9]{0,99}$/, { message: 'type must be an event type name such as KeyResultAdded' })
  type!: string;

  @ApiProperty({ type: 'integer', minimum: 1, description: 'The schema version', example: 1 })
  @Type(() => Number)
  @ValidateBy(
    { name: 'schemaVersion', validator: { validate: (value: unknown) => Number.isInteger(value) && (value as number) >= 1 && (value as number) <= 1000 } },
    { message: 'version must be a whole number from 1 to 1000' },
  )
  version!: number;
}
