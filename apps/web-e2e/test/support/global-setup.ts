import { buildPlatform, startPlatformProcess, type PlatformProcess } from './platform-process';

declare global {
  var webE2ePlatform: PlatformProcess | undefined;
}

/** One platform for every file of the suite: its origin reaches the tests as OKR_WEB_E2E_URL. */
export default async function globalSetup(): Promise<void> {
  await buildPlatform();
  const platform = await startPlatformProcess();
  globalThis.webE2ePlatform = platform;
  process.env['OKR_WEB_E2E_URL'] = platform.url;
  // Whatever ends Jest (a crash, an interrupted run), the platform's process group goes with it.
  process.once('exit', () => {
    try {
      process.kill(-platform.pid, 'SIGKILL');
    } catch {
      // stopped by the teardown already
    }
  });
}
