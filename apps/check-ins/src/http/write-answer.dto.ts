import { ApiProperty } from '@nestjs/swagger';

/** What a write that creates a record answers: the new record's id and its stream's revision. */
export class WriteAnswerDto {
  @ApiProperty({ format: 'uuid', description: 'The id of the record written' }) id!: string;
  @ApiProperty({ type: 'integer', minimum: 0, example: 0, description: "The record's revision after the write: send it as If-Match to change it next" })
  revision!: number;
}

/** What a write that changes an existing record answers: also the events it appended, in order. */
export class ChangeAnswerDto extends WriteAnswerDto {
  @ApiProperty({ type: [String], example: ['CheckInCorrected'], description: 'The types of the events the change appended, in order' })
  events!: string[];
}
