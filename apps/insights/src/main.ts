import 'reflect-metadata';
import { runPlatformApp } from '@okr/platform';
import { InsightsModule } from './app.module';
import { INSIGHTS_DEFAULT_PORT } from './insights.config';

void runPlatformApp((config) => InsightsModule.forRoot(config), {
  serviceName: 'insights',
  defaultPort: INSIGHTS_DEFAULT_PORT,
  openApi: {
    title: 'OKR platform: insights',
    version: '1',
    description:
      "Replay of a tenant's objectives, key results, check-ins and learnings exactly as they stood at any instant, " +
      'computed from the events; and the audit timeline of any objective, cycle, check-in or learning stream.',
  },
});
