import 'reflect-metadata';
import { runPlatformApp } from '@okr/platform';
import { CheckInsModule, CHECK_INS_OPENAPI } from './app.module';
import { CHECK_INS_DEFAULT_PORT } from './check-ins.config';

void runPlatformApp((config) => CheckInsModule.forRoot(config), {
  serviceName: 'check-ins',
  defaultPort: CHECK_INS_DEFAULT_PORT,
  openApi: CHECK_INS_OPENAPI,
});
