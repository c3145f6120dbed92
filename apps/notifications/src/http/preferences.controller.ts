import { Body, Controller, Get, Put } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Permission, CurrentPrincipal, type Principal } from '@okr/platform';
import { ReplacePreferencesCommand } from '../preferences/preference.commands';
import { GetPreferencesQuery } from '../preferences/preference.queries';
import { PreferencesDto } from './notifications.dto';
import { PreferencesViewDto } from './responses.dto';

/**
 * A person's notification preferences: channels (in-app always; email; a Slack / Teams incoming
 * webhook), muted rules, quiet hours in their time zone, a daily digest instead of single messages.
 */
@ApiTags('preferences')
@ApiBearerAuth()
@Controller('api/v1/preferences')
export class PreferencesHttpController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Get()
  @Permission('tenant:read')
  @ApiOperation({ summary: "The caller's preferences (defaults when never set)" })
  @ApiOkResponse({ type: PreferencesViewDto })
  get(@CurrentPrincipal() principal: Principal) {
    return this.queries.execute(new GetPreferencesQuery(principal.tenantId, principal.userId));
  }

  @Put()
  @Permission('self:write')
  @ApiOperation({
    summary: "Replace the caller's preferences; a field left out takes its default, except `chat` which stays as it was when omitted",
  })
  @ApiOkResponse({ type: PreferencesViewDto, description: 'The preferences now' })
  put(@Body() body: PreferencesDto, @CurrentPrincipal() principal: Principal) {
    return this.commands.execute(new ReplacePreferencesCommand(principal, body));
  }
}
