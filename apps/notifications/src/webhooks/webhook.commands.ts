import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { v7 as uuidv7 } from 'uuid';
import type { Principal } from '@okr/platform';
import { requireAllowedDestination } from '../http/access';
import type { RegisterWebhookDto } from '../http/notifications.dto';
import { NOTIFICATIONS_SETTINGS, type NotificationsSettings } from '../notifications.config';
import { DeliveryRecorder } from '../planning/delivery-recorder';
import { webhookTestDelivery } from '../planning/plan-deliveries';
import { DeliverySeal } from '../store/delivery-seal';
import { NotificationsStore, type DeliveryStatus, type WebhookDoc } from '../store/notifications.store';
import { SECRET_BOX, SecretBox } from '../store/secret-box';
import { newWebhookSecret, tenantWebhook, webhookView, type WebhookView } from './webhook.view';

export class RegisterWebhookCommand extends Command<WebhookView & { secret: string }> {
  constructor(
    readonly principal: Principal,
    readonly webhook: RegisterWebhookDto,
  ) {
    super();
  }
}

/** Registers a webhook (a URL leading to a private address is refused unless allowed); its signing secret is shown this once. */
@CommandHandler(RegisterWebhookCommand)
export class RegisterWebhookHandler implements ICommandHandler<RegisterWebhookCommand> {
  constructor(
    private readonly store: NotificationsStore,
    @Inject(NOTIFICATIONS_SETTINGS) private readonly settings: NotificationsSettings,
    @Inject(SECRET_BOX) private readonly secrets: SecretBox,
  ) {}

  async execute({ principal, webhook }: RegisterWebhookCommand): Promise<WebhookView & { secret: string }> {
    await requireAllowedDestination(webhook.url, 'url', { allowPrivate: this.settings.allowPrivateDestinations });
    const c = await this.store.collections();
    const secret = newWebhookSecret();
    const format = webhook.format ?? 'json';
    const hook: WebhookDoc = {
      _id: uuidv7(),
      tenantId: principal.tenantId,
      url: format === 'json' ? webhook.url : this.secrets.seal(webhook.url),
      secret: this.secrets.seal(secret),
      format,
      teams: webhook.teams ?? [],
      rules: webhook.rules ?? [],
      description: webhook.description ?? null,
      createdBy: principal.userId,
      createdAt: new Date().toISOString(),
      secretRotatedAt: null,
    };
    await c.webhooks.bulkWrite([{ insertOne: { document: hook } }]);
    return { ...webhookView(hook, this.secrets), secret };
  }
}

export class RemoveWebhookCommand extends Command<void> {
  constructor(
    readonly tenantId: string,
    readonly webhookId: string,
  ) {
    super();
  }
}

/** Removes a webhook of the tenant (404 otherwise); its pending deliveries fail as "deleted". */
@CommandHandler(RemoveWebhookCommand)
export class RemoveWebhookHandler implements ICommandHandler<RemoveWebhookCommand> {
  constructor(private readonly store: NotificationsStore) {}

  async execute({ tenantId, webhookId }: RemoveWebhookCommand): Promise<void> {
    await tenantWebhook(this.store, tenantId, webhookId);
    const c = await this.store.collections();
    await c.webhooks.deleteMany({ _id: webhookId, tenantId });
  }
}

export class RotateWebhookSecretCommand extends Command<{ id: string; secret: string; secretRotatedAt: string }> {
  constructor(
    readonly tenantId: string,
    readonly webhookId: string,
  ) {
    super();
  }
}

/** Replaces a webhook's signing secret; the new one is shown this once and the old one stops at once. */
@CommandHandler(RotateWebhookSecretCommand)
export class RotateWebhookSecretHandler implements ICommandHandler<RotateWebhookSecretCommand> {
  constructor(
    private readonly store: NotificationsStore,
    @Inject(SECRET_BOX) private readonly secrets: SecretBox,
  ) {}

  async execute({ tenantId, webhookId: id }: RotateWebhookSecretCommand): Promise<{ id: string; secret: string; secretRotatedAt: string }> {
    await tenantWebhook(this.store, tenantId, id);
    const c = await this.store.collections();
    const secret = newWebhookSecret();
    const secretRotatedAt = new Date().toISOString();
    await c.webhooks.updateOne({ _id: id, tenantId }, { $set: { secret: this.secrets.seal(secret), secretRotatedAt } });
    return { id, secret, secretRotatedAt };
  }
}

export class SendWebhookTestCommand extends Command<{ deliveryId: string; status: DeliveryStatus }> {
  constructor(
    readonly principal: Principal,
    readonly webhookId: string,
  ) {
    super();
  }
}

/** Records a test notification for the webhook and wakes the dispatcher; its delivery is followed in /deliveries. */
@CommandHandler(SendWebhookTestCommand)
export class SendWebhookTestHandler implements ICommandHandler<SendWebhookTestCommand> {
  constructor(
    private readonly store: NotificationsStore,
    private readonly recorder: DeliveryRecorder,
    private readonly seal: DeliverySeal,
  ) {}

  async execute({ principal, webhookId }: SendWebhookTestCommand): Promise<{ deliveryId: string; status: DeliveryStatus }> {
    const hook = await tenantWebhook(this.store, principal.tenantId, webhookId);
    const c = await this.store.collections();
    // Its text names the admin who sent it: sealed under their key.
    const plain = webhookTestDelivery(hook, uuidv7(), principal.userId, new Date());
    const delivery = await this.seal.seal(plain, [...(await this.seal.keyIdsOf(principal.tenantId, [principal.userId])).values()]);
    await c.deliveries.bulkWrite([{ insertOne: { document: delivery } }]);
    this.recorder.notifyRecorded();
    return { deliveryId: delivery._id, status: delivery.status };
  }
}
