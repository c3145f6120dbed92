import 'reflect-metadata';
import { runPlatformApp } from '@okr/platform';
import { NotificationsModule, NOTIFICATIONS_OPENAPI } from './app.module';
import { NOTIFICATIONS_DEFAULT_PORT } from './notifications.config';

void runPlatformApp((config) => NotificationsModule.forRoot(config), {
  serviceName: 'notifications',
  defaultPort: NOTIFICATIONS_DEFAULT_PORT,
  openApi: NOTIFICATIONS_OPENAPI,
});
