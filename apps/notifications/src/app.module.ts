import { Module, type DynamicModule } from '@nestjs/common';
import { serviceFoundation } from '@okr/messaging';
import type { DestinationStream } from 'pino';
import type { OpenApiOptions, PlatformConfig } from '@okr/platform';
import { ReadStoreModule } from '@okr/read-store';
import { Dispatcher } from './delivery/dispatcher';
import { ChannelsHttpController } from './http/webhooks.controller';
import { DeliveriesHttpController } from './http/deliveries.controller';
import { FollowHandler, UnfollowHandler } from './follows/follow.commands';
import { ListFollowsHandler } from './follows/follow.queries';
import { FollowsHttpController } from './http/follows.controller';
import { GetDeliveryHandler, ListDeliveriesHandler, ListInboxHandler } from './delivery/delivery-log.queries';
import { RunDigestsHandler, RunRemindersHandler } from './schedule/schedule.commands';
import { ReplacePreferencesHandler } from './preferences/preference.commands';
import { GetPreferencesHandler } from './preferences/preference.queries';
import { GetSmtpSettingsHandler, RemoveSmtpSettingsHandler, SetSmtpSettingsHandler } from './email/smtp-settings.commands';
import { RegisterWebhookHandler, RemoveWebhookHandler, RotateWebhookSecretHandler, SendWebhookTestHandler } from './webhooks/webhook.commands';
import { GetWebhookHandler, ListWebhooksHandler } from './webhooks/webhook.queries';
import { PreferencesHttpController } from './http/preferences.controller';
import {
  NOTIFICATIONS_CLOCK,
  NOTIFICATIONS_SETTINGS,
  notificationsSettingsFrom,
  systemClock,
  type Clock,
  type NotificationsSettings,
} from './notifications.config';
import { DeliveryRecorder } from './planning/delivery-recorder';
import { DeliverySeal } from './store/delivery-seal';
import { DigestScheduler } from './schedule/digest-scheduler';
import { ReminderScheduler } from './schedule/reminder-scheduler';
import { NotificationsStore } from './store/notifications.store';
import { SECRET_BOX, SecretBox, secretsKeyFrom } from './store/secret-box';
import { NotificationProjections } from './view/notification-projections';

/** The service's OpenAPI document (title, version, description): served by main, committed for the web app's client. */
export const NOTIFICATIONS_OPENAPI: OpenApiOptions = {
  title: 'OKR platform: notifications',
  version: '1',
  description:
    'Tells the right people at the right time, once: check-in reminders, key results at risk, confidence drops, learnings, ' +
    'alignments and grades; over in-app, email, Slack / Teams and signed webhooks; follows, preferences and the delivery log.',
};

export interface NotificationsModuleOptions {
  /** Tests capture the JSON log lines here; services log to stdout. */
  logStream?: DestinationStream;
  /** Tests pass their own settings (and clock); the service reads them from the environment. */
  settings?: Partial<NotificationsSettings>;
  clock?: Clock;
  /** Tests pass a key; the service reads `OKR_SECRETS_KEY`. */
  secretsKey?: Buffer;
}

/**
 * The notifications service: it owns no streams (its settings and delivery log are state in the read
 * store, see `NotificationsStore`), consumes goals, check-ins and insights, and tells the right people
 * once per (rule, trigger, recipient, channel), over in-app, email, chat and signed webhooks.
 */
@Module({})
export class NotificationsModule {
  static forRoot(config: PlatformConfig, options: NotificationsModuleOptions = {}): DynamicModule {
    const foundation = serviceFoundation({
      serviceName: 'notifications',
      config,
      ...(options.logStream ? { logStream: options.logStream } : {}),
    });
    // Validated here, so a bad setting stops the start with one line naming it.
    const settings: NotificationsSettings = { ...notificationsSettingsFrom(process.env), ...options.settings };
    const secrets = new SecretBox(options.secretsKey ?? secretsKeyFrom(process.env));
    return {
      module: NotificationsModule,
      imports: [...foundation.imports, ReadStoreModule.forRoot('notifications')],
      controllers: [FollowsHttpController, PreferencesHttpController, ChannelsHttpController, DeliveriesHttpController],
      providers: [
        { provide: NOTIFICATIONS_SETTINGS, useValue: settings },
        { provide: NOTIFICATIONS_CLOCK, useValue: options.clock ?? systemClock() },
        { provide: SECRET_BOX, useValue: secrets },
        NotificationsStore,
        DeliveryRecorder,
        DeliverySeal,
        NotificationProjections,
        Dispatcher,
        ReminderScheduler,
        DigestScheduler,
        FollowHandler,
        UnfollowHandler,
        ListFollowsHandler,
        ListDeliveriesHandler,
        GetDeliveryHandler,
        ListInboxHandler,
        RunRemindersHandler,
        RunDigestsHandler,
        GetPreferencesHandler,
        ReplacePreferencesHandler,
        RegisterWebhookHandler,
        RemoveWebhookHandler,
        RotateWebhookSecretHandler,
        SendWebhookTestHandler,
        ListWebhooksHandler,
        GetWebhookHandler,
        SetSmtpSettingsHandler,
        RemoveSmtpSettingsHandler,
        GetSmtpSettingsHandler,
        ...foundation.providers,
      ],
      exports: [Dispatcher, ReminderScheduler, DigestScheduler, NotificationProjections],
    };
  }
}
