import { Inject } from '@nestjs/common';
import { Command, CommandHandler, Query, QueryHandler, type ICommandHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { Principal } from '@okr/platform';
import { notFound, requireAllowedHost } from '../http/access';
import type { SmtpSettingsDto } from '../http/notifications.dto';
import { NOTIFICATIONS_SETTINGS, type NotificationsSettings } from '../notifications.config';
import { NotificationsStore, type SmtpDoc } from '../store/notifications.store';
import { SECRET_BOX, SecretBox } from '../store/secret-box';

/** What the API shows of a tenant's SMTP settings: never the password. */
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
export type SmtpSettingsView = ReturnType<typeof smtpView>;

export class SetSmtpSettingsCommand extends Command<SmtpSettingsView> {
  constructor(
    readonly principal: Principal,
    readonly settings: SmtpSettingsDto,
  ) {
    super();
  }
}

/** Sets the tenant's SMTP server (a private host is refused unless allowed); the password is sealed at rest. */
@CommandHandler(SetSmtpSettingsCommand)
export class SetSmtpSettingsHandler implements ICommandHandler<SetSmtpSettingsCommand> {
  constructor(
    private readonly store: NotificationsStore,
    @Inject(NOTIFICATIONS_SETTINGS) private readonly config: NotificationsSettings,
    @Inject(SECRET_BOX) private readonly secrets: SecretBox,
  ) {}

  async execute({ principal, settings }: SetSmtpSettingsCommand): Promise<SmtpSettingsView> {
    await requireAllowedHost(settings.host, 'host', { allowPrivate: this.config.allowPrivateDestinations });
    const c = await this.store.collections();
    const doc: SmtpDoc = {
      _id: principal.tenantId,
      host: settings.host,
      port: settings.port,
      secure: settings.secure ?? false,
      username: settings.username ?? null,
      password: settings.password === undefined ? null : this.secrets.seal(settings.password),
      from: settings.from,
      updatedAt: new Date().toISOString(),
      updatedBy: principal.userId,
    };
    await c.smtp.updateOne({ _id: doc._id }, { $set: doc }, { upsert: true });
    return smtpView(doc);
  }
}

export class RemoveSmtpSettingsCommand extends Command<void> {
  constructor(readonly tenantId: string) {
    super();
  }
}

/** Removes the tenant's SMTP server (the service default applies, if any). */
@CommandHandler(RemoveSmtpSettingsCommand)
export class RemoveSmtpSettingsHandler implements ICommandHandler<RemoveSmtpSettingsCommand> {
  constructor(private readonly store: NotificationsStore) {}

  async execute({ tenantId }: RemoveSmtpSettingsCommand): Promise<void> {
    const c = await this.store.collections();
    await c.smtp.deleteMany({ _id: tenantId });
  }
}

export class GetSmtpSettingsQuery extends Query<SmtpSettingsView> {
  constructor(readonly tenantId: string) {
    super();
  }
}

/** The tenant's SMTP server without the password; 404 when it has none of its own. */
@QueryHandler(GetSmtpSettingsQuery)
export class GetSmtpSettingsHandler implements IQueryHandler<GetSmtpSettingsQuery> {
  constructor(private readonly store: NotificationsStore) {}

  async execute({ tenantId }: GetSmtpSettingsQuery): Promise<SmtpSettingsView> {
    const c = await this.store.collections();
    const doc = await c.smtp.findOne({ _id: tenantId });
    if (!doc) throw notFound('smtp-settings', 'This tenant has no SMTP settings of its own; the service default applies, if any.');
    return smtpView(doc);
  }
}
