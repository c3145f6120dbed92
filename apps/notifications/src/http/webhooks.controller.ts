import { randomBytes } from 'node:crypto';
import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Inject, Param, Post, Put, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { v7 as uuidv7 } from 'uuid';
import { ApiPaginatedResponse, CurrentPrincipal, ListQueryDto, NotIdempotentlyStored, Permission, mapPage, type Principal } from '@okr/platform';
import { pageCollection } from '@okr/read-store';
import { NOTIFICATIONS_SETTINGS, type NotificationsSettings } from '../notifications.config';
import { DeliveryRecorder } from '../planning/delivery-recorder';
import { webhookTestDelivery } from '../planning/plan-deliveries';
import { NotificationsStore, type SmtpDoc, type WebhookDoc } from '../store/notifications.store';
import { SECRET_BOX, SecretBox } from '../store/secret-box';
import { maskUrl, notFound, requireAllowedDestination, requireAllowedHost } from './access';
import { SmtpSettingsViewDto, WebhookItemDto, WebhookRegisteredDto, WebhookSecretRotatedDto, WebhookTestSentDto } from './responses.dto';
import { RegisterWebhookDto, SmtpSettingsDto } from './notifications.dto';

/** A signing secret: 32 random bytes, shown once. */
const newSecret = (): string => `whsec_${randomBytes(32).toString('base64url')}`;

/**
 * What the API shows of a webhook after its creation: never the secret; a chat URL (itself a secret,
 * sealed at rest like the signing secret) only by its host.
 */
const view = (hook: WebhookDoc, secrets: SecretBox) => ({
  id: hook._id,
  url: hook.format === 'json' ? hook.url : maskUrl(secrets.open(hook.url)),
  format: hook.format,
  teams: hook.teams,
  rules: hook.rules,
  description: hook.description,
  createdBy: hook.createdBy,
  createdAt: hook.createdAt,
  secretRotatedAt: hook.secretRotatedAt,
});

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
    private readonly store: NotificationsStore,
    private readonly recorder: DeliveryRecorder,
    @Inject(NOTIFICATIONS_SETTINGS) private readonly settings: NotificationsSettings,
    @Inject(SECRET_BOX) private readonly secrets: SecretBox,
  ) {}

  @Post('webhooks')
  @Permission('tenant:admin')
  @NotIdempotentlyStored()
  @ApiOperation({
    summary:
      'Register a webhook (admin); 201 with its signing secret, shown this once. With OKR_WEBHOOK_ALLOW_PRIVATE=false, a URL leading to a private address is a 400',
  })
  @ApiCreatedResponse({ type: WebhookRegisteredDto, description: 'Registered, with its signing secret (shown this once)' })
  async register(@Body() body: RegisterWebhookDto, @CurrentPrincipal() principal: Principal) {
    await requireAllowedDestination(body.url, 'url', { allowPrivate: this.settings.allowPrivateDestinations });
    const c = await this.store.collections();
    const secret = newSecret();
    const format = body.format ?? 'json';
    const hook: WebhookDoc = {
      _id: uuidv7(),
      tenantId: principal.tenantId,
      url: format === 'json' ? body.url : this.secrets.seal(body.url),
      secret: this.secrets.seal(secret),
      format,
      teams: body.teams ?? [],
      rules: body.rules ?? [],
      description: body.description ?? null,
      createdBy: principal.userId,
      createdAt: new Date().toISOString(),
      secretRotatedAt: null,
    };
    await c.webhooks.bulkWrite([{ insertOne: { document: hook } }]);
    return { ...view(hook, this.secrets), secret };
  }

  @Get('webhooks')
  @Permission('operations:read')
  @ApiOperation({ summary: "The tenant's webhooks (admin), without secrets" })
  @ApiPaginatedResponse(WebhookItemDto)
  async list(@Query() query: ListQueryDto, @CurrentPrincipal() principal: Principal) {
    const c = await this.store.collections();
    const page = await pageCollection(c.webhooks, { tenantId: principal.tenantId }, query, { list: 'webhooks', sortBy: 'createdAt', order: 'asc' });
    return mapPage(page, (hook) => view(hook, this.secrets));
  }

  @Get('webhooks/:id')
  @Permission('operations:read')
  @ApiOperation({ summary: 'One webhook (admin), without its secret' })
  @ApiOkResponse({ type: WebhookItemDto })
  async get(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    return view(await this.hook(principal, id), this.secrets);
  }

  @Delete('webhooks/:id')
  @Permission('tenant:admin')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Remove a webhook (admin); its pending deliveries fail as "deleted"' })
  @ApiNoContentResponse({ description: 'Removed' })
  async remove(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    await this.hook(principal, id);
    const c = await this.store.collections();
    await c.webhooks.deleteMany({ _id: id, tenantId: principal.tenantId });
  }

  @Post('webhooks/:id/rotate-secret')
  @Permission('tenant:admin')
  @HttpCode(HttpStatus.OK)
  @NotIdempotentlyStored()
  @ApiOperation({ summary: 'Replace the signing secret (admin); 200 with the new one, shown this once; the old one stops at once' })
  @ApiOkResponse({ type: WebhookSecretRotatedDto })
  async rotate(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    await this.hook(principal, id);
    const c = await this.store.collections();
    const secret = newSecret();
    const secretRotatedAt = new Date().toISOString();
    await c.webhooks.updateOne({ _id: id, tenantId: principal.tenantId }, { $set: { secret: this.secrets.seal(secret), secretRotatedAt } });
    return { id, secret, secretRotatedAt };
  }

  @Post('webhooks/:id/test')
  @Permission('tenant:admin')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({ summary: 'Send a test notification to the webhook (admin); 202 with the delivery id to follow in /deliveries' })
  @ApiAcceptedResponse({ type: WebhookTestSentDto })
  async test(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    const hook = await this.hook(principal, id);
    const c = await this.store.collections();
    const delivery = webhookTestDelivery(hook, uuidv7(), principal.userId, new Date());
    await c.deliveries.bulkWrite([{ insertOne: { document: delivery } }]);
    this.recorder.notifyRecorded();
    return { deliveryId: delivery._id, status: delivery.status };
  }

  @Put('channels/email')
  @Permission('tenant:admin')
  @NotIdempotentlyStored()
  @ApiOperation({ summary: "Set the tenant's SMTP server (admin); the password is never returned" })
  @ApiOkResponse({ type: SmtpSettingsViewDto, description: 'The settings now, without the password' })
  async setSmtp(@Body() body: SmtpSettingsDto, @CurrentPrincipal() principal: Principal) {
    await requireAllowedHost(body.host, 'host', { allowPrivate: this.settings.allowPrivateDestinations });
    const c = await this.store.collections();
    const doc: SmtpDoc = {
      _id: principal.tenantId,
      host: body.host,
      port: body.port,
      secure: body.secure ?? false,
      username: body.username ?? null,
      password: body.password === undefined ? null : this.secrets.seal(body.password),
      from: body.from,
      updatedAt: new Date().toISOString(),
      updatedBy: principal.userId,
    };
    await c.smtp.updateOne({ _id: doc._id }, { $set: doc }, { upsert: true });
    return smtpView(doc);
  }

  @Get('channels/email')
  @Permission('operations:read')
  @ApiOperation({ summary: "The tenant's SMTP server (admin), without the password" })
  @ApiOkResponse({ type: SmtpSettingsViewDto })
  async getSmtp(@CurrentPrincipal() principal: Principal) {
    const c = await this.store.collections();
    const doc = await c.smtp.findOne({ _id: principal.tenantId });
    if (!doc) throw notFound('smtp-settings', 'This tenant has no SMTP settings of its own; the service default applies, if any.');
    return smtpView(doc);
  }

  @Delete('channels/email')
  @Permission('tenant:admin')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: "Remove the tenant's SMTP server (admin); the service default applies, if any" })
  @ApiNoContentResponse({ description: 'Removed (or there were none)' })
  async removeSmtp(@CurrentPrincipal() principal: Principal) {
    const c = await this.store.collections();
    await c.smtp.deleteMany({ _id: principal.tenantId });
  }

  private async hook(principal: Principal, id: string): Promise<WebhookDoc> {
    const c = await this.store.collections();
    const hook = await c.webhooks.findOne({ _id: id, tenantId: principal.tenantId });
    if (!hook) throw notFound('webhook', 'No such webhook in this tenant.', { webhookId: id });
    return hook;
  }
}

const smtpView = (doc: SmtpDoc) => ({
  host: doc.host,
  port: doc.port,
  secure: doc.secure,
  username: doc.username,
  passwordSet: doc.password !== null,
  from: doc.from,
  updatedAt: doc.updatedAt,
  updatedBy: doc.updatedBy,
});
