import 'reflect-metadata';
import { runPlatformApp } from '@okr/platform';
import { InsightsModule, INSIGHTS_OPENAPI } from './app.module';
import { INSIGHTS_DEFAULT_PORT } from './insights.config';

void runPlatformApp((config) => InsightsModule.forRoot(config), {
  serviceName: 'insights',
  defaultPort: INSIGHTS_DEFAULT_PORT,
  openApi: INSIGHTS_OPENAPI,
});
