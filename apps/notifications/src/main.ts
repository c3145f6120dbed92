import 'reflect-metadata';
import { runPlatformApp } from '@okr/platform';
import { NotificationsModule } from './app.module';
import { NOTIFICATIONS_DEFAULT_PORT } from './notifications.config';

void runPlatformApp((config) => NotificationsModule.forRoot(config), {
  serviceName: 'notifications',
  defaultPort: NOTIFICATIONS_DEFAULT_PORT,
  openApi: {
    title: 'OKR platform: notifications',
    version: '1',
    description:
      'Tells the right people at the right time, once: check-in reminders, key results at risk, confidence drops, learnings, ' +
      'alignments and grades; over in-app, email, Slack / Teams and signed webhooks; follows, preferences and the delivery log.',
  },
});
