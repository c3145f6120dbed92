import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post, Put, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiAcceptedResponse, ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiPaginatedResponse, CurrentPrincipal, ListQueryDto, NotIdempotentlyStored, Permission, type Principal } from '@okr/platform';
import { GetSmtpSettingsQuery, RemoveSmtpSettingsCommand, SetSmtpSettingsCommand } from '../email/smtp-settings.commands';
import { RegisterWebhookCommand, RemoveWebhookCommand, RotateWebhookSecretCommand, SendWebhookTestCommand } from '../webhooks/webhook.commands';
import { GetWebhookQuery, ListWebhooksQuery } from '../webhooks/webhook.queries';
import { SmtpSettingsViewDto, WebhookItemDto, WebhookRegisteredDto, WebhookSecretRotatedDto, WebhookTestSentDto } from './responses.dto';
import { RegisterWebhookDto, SmtpSettingsDto } from './notifications.dto';

/**
 * Tenant channels, set by a tenant admin: webhooks (signed JSON, or Slack / Teams incoming-webhook
 * messages) that receive the tenant's notifications like a team channel, optionally filtered by team
 * and rule; and the tenant's SMTP server. Secrets are shown once (the webhook's signing secret, at
 * creation and rotation) or never (SMTP password, chat URLs); these responses are never kept by the
 * `Idempotency-Key` store.
 */
@ApiTags('channels')
@ApiBearerAuth()
@Controller('api/v1')
export class ChannelsHttpController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post('webhooks')
  @Permission('tenant:admin')
  @NotIdempotentlyStored()
  @ApiOperation({
    summary:
      'Register a webhook (admin); 201 with its signing secret, shown this once. With OKR_WEBHOOK_ALLOW_PRIVATE=false, a URL leading to a private address is a 400',
  })
  @ApiCreatedResponse({ type: WebhookRegisteredDto, description: 'Registered, with its signing secret (shown this once)' })
  register(@Body() body: RegisterWebhookDto, @CurrentPrincipal() principal: Principal) {
    return this.commands.execute(new RegisterWebhookCommand(principal, body));
  }

  @Get('webhooks')
  @Permission('operations:read')
  @ApiOperation({ summary: "The tenant's webhooks (admin), without secrets" })
  @ApiPaginatedResponse(WebhookItemDto)
  list(@Query() query: ListQueryDto, @CurrentPrincipal() principal: Principal) {
    return this.queries.execute(new ListWebhooksQuery(principal.tenantId, query));
  }

  @Get('webhooks/:id')
  @Permission('operations:read')
  @ApiOperation({ summary: 'One webhook (admin), without its secret' })
  @ApiOkResponse({ type: WebhookItemDto })
  get(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    return this.queries.execute(new GetWebhookQuery(principal.tenantId, id));
  }

  @Delete('webhooks/:id')
  @Permission('tenant:admin')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Remove a webhook (admin); its pending deliveries fail as "deleted"' })
  @ApiNoContentResponse({ description: 'Removed' })
  async remove(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    await this.commands.execute(new RemoveWebhookCommand(principal.tenantId, id));
  }

  @Post('webhooks/:id/rotate-secret')
  @Permission('tenant:admin')
  @HttpCode(HttpStatus.OK)
  @NotIdempotentlyStored()
  @ApiOperation({ summary: 'Replace the signing secret (admin); 200 with the new one, shown this once; the old one stops at once' })
  @ApiOkResponse({ type: WebhookSecretRotatedDto })
  rotate(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    return this.commands.execute(new RotateWebhookSecretCommand(principal.tenantId, id));
  }

  @Post('webhooks/:id/test')
  @Permission('tenant:admin')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({ summary: 'Send a test notification to the webhook (admin); 202 with the delivery id to follow in /deliveries' })
  @ApiAcceptedResponse({ type: WebhookTestSentDto })
  test(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    return this.commands.execute(new SendWebhookTestCommand(principal, id));
  }

  @Put('channels/email')
  @Permission('tenant:admin')
  @NotIdempotentlyStored()
  @ApiOperation({ summary: "Set the tenant's SMTP server (admin); the password is never returned" })
  @ApiOkResponse({ type: SmtpSettingsViewDto, description: 'The settings now, without the password' })
  setSmtp(@Body() body: SmtpSettingsDto, @CurrentPrincipal() principal: Principal) {
    return this.commands.execute(new SetSmtpSettingsCommand(principal, body));
  }

  @Get('channels/email')
  @Permission('operations:read')
  @ApiOperation({ summary: "The tenant's SMTP server (admin), without the password" })
  @ApiOkResponse({ type: SmtpSettingsViewDto })
  getSmtp(@CurrentPrincipal() principal: Principal) {
    return this.queries.execute(new GetSmtpSettingsQuery(principal.tenantId));
  }

  @Delete('channels/email')
  @Permission('tenant:admin')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: "Remove the tenant's SMTP server (admin); the service default applies, if any" })
  @ApiNoContentResponse({ description: 'Removed (or there were none)' })
  async removeSmtp(@CurrentPrincipal() principal: Principal) {
    await this.commands.execute(new RemoveSmtpSettingsCommand(principal.tenantId));
  }
}
