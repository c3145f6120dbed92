import { Body, Controller, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Permission, ValidationProblem, Write, type WriteRequest } from '@okr/platform';
import { ErasePersonCommand } from './erasure.commands';
import { ErasePersonDto, PersonErasedDto } from './erasure.dto';

const MAX_USER_ID_LENGTH = 200;

/** A person's right to erasure: their personal data in the log becomes unreadable, the goals stay. */
@ApiTags('people')
@ApiBearerAuth()
@Controller('api/v1/admin/people')
export class ErasureHttpController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':userId/erasure')
  @Permission('tenant:admin')
  @ApiOperation({
    summary: "Erase a person's personal data (admin, with a reason)",
    description:
      'Destroys the key that seals the person’s personal data (who acted, owners, notes, learnings, questions and answers, reasons) ' +
      'in every stored and published event: history, audit, replay, exports and consumers then read "erased person" there, while ' +
      'every number, date, confidence and the goals’ structure still replay and the hash chain still verifies. Recorded as ' +
      '`PersonalDataErased`, which names no one. 404 when the person has no personal data here (or it was erased already).',
  })
  @ApiCreatedResponse({ type: PersonErasedDto, description: 'Erased' })
  async erase(@Param('userId') userId: string, @Body() body: ErasePersonDto, @Write() { context }: WriteRequest) {
    if (userId.trim() === '' || userId.length > MAX_USER_ID_LENGTH) {
      throw new ValidationProblem([{ field: 'userId', message: `userId is a user id of 1 to ${MAX_USER_ID_LENGTH} characters` }]);
    }
    return this.commands.execute(new ErasePersonCommand(userId, body.reason.trim(), context));
  }
}
