import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Controller, Get, Module, type DynamicModule } from '@nestjs/common';
import { LogCapture } from '../../testing';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { issueEmbeddedToken } from '../auth/embedded-token';
import type { PlatformConfig } from '../config/platform-config';
import { PlatformModule } from './platform.module';
import { runPlatformApp } from './platform-app';
import { Permission } from '../auth/permission.decorator';

@Controller('api/hello')
class HelloController {
  @Get()
  @Permission('tenant:read')
  hello(@CurrentPrincipal() principal: Principal) {
    return { hello: principal.userId };
  }
}

@Module({})
class HelloModule {
  static forRoot(config: PlatformConfig, logs: LogCapture): DynamicModule {
    return {
      module: HelloModule,
      imports: [PlatformModule.forRoot({ serviceName: 'hello', config, logStream: logs })],
      controllers: [HelloController],
    };
  }
}

describe('runPlatformApp', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'okr-run-'));
  });
  afterEach(() => rm(dataDir, { recursive: true, force: true }));

  it('listens on PORT with everything wired: auth, correlation ids, health, docs', async () => {
    const logs = new LogCapture();
    const app = await runPlatformApp((config) => HelloModule.forRoot(config, logs), {
      serviceName: 'hello',
      defaultPort: 3999,
      env: { OKR_DATA_DIR: dataDir, PORT: '0' },
      openApi: { title: 'Hello', version: '1' },
    });
    if (!app) throw new Error('expected an app');
    try {
      const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
      expect((await fetch(`${url}/health/live`)).status).toBe(200);
      expect((await fetch(`${url}/api/docs-json`)).status).toBe(200);
      expect((await fetch(`${url}/api/hello`)).status).toBe(401);

      const token = await issueEmbeddedToken({ dataDir, tenant: 'acme', user: 'alice' });
      const res = await fetch(`${url}/api/hello`, { headers: { authorization: `Bearer ${token}`, 'x-correlation-id': 'run-1' } });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ hello: 'alice' });
      expect(res.headers.get('x-correlation-id')).toBe('run-1');
      expect(logs.lines.some((l) => l['correlationId'] === 'run-1' && l['service'] === 'hello')).toBe(true);
    } finally {
      await app.close();
    }
  });

  it('stops on an invalid configuration with one fatal JSON line and exit code 1', async () => {
    const lines = new LogCapture();
    const exit = jest.fn();
    const build = jest.fn();
    const app = await runPlatformApp(
      build,
      { serviceName: 'hello', defaultPort: 3999, env: { OKR_EVENT_STORE: 'kurrentdb' } },
      { exit, stream: lines },
    );
    expect(app).toBeUndefined();
    expect(exit).toHaveBeenCalledWith(1);
    expect(build).not.toHaveBeenCalled();
    expect(lines.lines).toHaveLength(1);
    expect(lines.lines[0]).toMatchObject({
      level: 'fatal',
      service: 'hello',
      msg: 'Invalid configuration: EVENTSTORE_URL must be set when OKR_EVENT_STORE=kurrentdb',
    });
  });
});
