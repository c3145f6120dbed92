import 'reflect-metadata';
import { runPlatformApp } from '@okr/platform';
import { CheckInsModule } from './app.module';
import { CHECK_INS_DEFAULT_PORT } from './check-ins.config';

void runPlatformApp((config) => CheckInsModule.forRoot(config), {
  serviceName: 'check-ins',
  defaultPort: CHECK_INS_DEFAULT_PORT,
  openApi: {
    title: 'OKR platform: check-ins',
    version: '1',
    description:
      'Weekly check-ins on key results (value, confidence, note, blockers), corrected without erasing, read as of a moment ' +
      'or as known at a moment; and learnings: what was tried, what came of it, and the evidence.',
  },
});
