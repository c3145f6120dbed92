import { Body, Controller, HttpStatus, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiViewCatchingUpResponse } from '../http/view-catching-up.response';
import { ruleBroken } from '@okr/okr-domain';
import { AcceptsApiKeys, Permission, Write, setRevisionHeaders, type WriteRequest } from '@okr/platform';
import {
  BatchMeasurementDto,
  MeasurementBatchAnswerDto,
  MeasurementBatchDto,
  MeasurementDto,
  MeasurementRecordedDto,
  MeasurementRefusedDto,
  MeasurementUnchangedDto,
} from './measurement.dto';
import { RecordMeasurementsCommand, type MeasurementInput } from './measurement.commands';

const uuid = new ParseUUIDPipe();

const input = ({ keyResultId, value, measuredAt, source, link }: BatchMeasurementDto): MeasurementInput => ({
  keyResultId,
  value,
  measuredAt,
  source,
  ...(link === undefined ? {} : { link }),
});

/**
 * Measurements from data sources (service accounts' API keys only): a check-in without confidence,
 * recorded as `integration:<name>`. Idempotent per (source, key result, measuredAt).
 */
@ApiTags('measurements')
@ApiBearerAuth()
@AcceptsApiKeys()
@ApiExtraModels(MeasurementRecordedDto, MeasurementUnchangedDto, MeasurementRefusedDto)
@Controller('api/v1')
export class MeasurementHttpController {
  constructor(private readonly commands: CommandBus) {}

  @Post('key-results/:krId/measurements')
  @ApiViewCatchingUpResponse()
  @Permission('measurement:record')
  @ApiOperation({ summary: 'Record a measurement of a key result (201 recorded, 200 sent before); 422 names a broken rule' })
  @ApiCreatedResponse({ type: MeasurementRecordedDto, description: 'Recorded; Location is the list of check-ins' })
  @ApiOkResponse({ type: MeasurementUnchangedDto, description: 'Sent before with this value: nothing written' })
  async record(@Param('krId', uuid) keyResultId: string, @Body() body: MeasurementDto, @Write() { principal, context, reply }: WriteRequest) {
    const [outcome] = await this.commands.execute(new RecordMeasurementsCommand([input({ ...body, keyResultId })], principal, context));
    if (!outcome) throw new Error('A measurement was sent and no outcome came back');
    if (outcome.status === 'refused') throw ruleBroken(outcome.code, outcome.message, { keyResultId, measuredAt: body.measuredAt });
    if (outcome.status === 'unchanged') reply.status(HttpStatus.OK);
    else setRevisionHeaders(reply, outcome.revision, `/api/v1/key-results/${keyResultId}/check-ins`);
    return outcome;
  }

  @Post('measurements')
  @ApiViewCatchingUpResponse()
  @Permission('measurement:record')
  @ApiOperation({ summary: 'Record many measurements at once: 200 {items:[{id, keyResultId, measuredAt, source, status: recorded|unchanged|refused}]}' })
  @ApiOkResponse({ type: MeasurementBatchAnswerDto, description: 'The outcome of each measurement, in the order sent' })
  async recordBatch(@Body() body: MeasurementBatchDto, @Write() { principal, context, reply }: WriteRequest) {
    const items = await this.commands.execute(new RecordMeasurementsCommand(body.items.map(input), principal, context));
    reply.status(HttpStatus.OK);
    return { items };
  }
}
