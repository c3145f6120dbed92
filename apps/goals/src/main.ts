import 'reflect-metadata';
import { runPlatformApp } from '@okr/platform';
import { GoalsModule, GOALS_OPENAPI } from './app.module';
import { GOALS_DEFAULT_PORT } from './goals.config';

void runPlatformApp((config) => GoalsModule.forRoot(config), {
  serviceName: 'goals',
  defaultPort: GOALS_DEFAULT_PORT,
  openApi: GOALS_OPENAPI,
});
