import 'reflect-metadata';
import { runPlatformApp } from '@okr/platform';
import { GoalsModule } from './app.module';
import { GOALS_DEFAULT_PORT } from './goals.config';

void runPlatformApp((config) => GoalsModule.forRoot(config), {
  serviceName: 'goals',
  defaultPort: GOALS_DEFAULT_PORT,
  openApi: {
    title: 'OKR platform: goals',
    version: '1',
    description: 'Cycles, objectives, key results and alignment. Every change is an event kept forever.',
  },
});
