import 'reflect-metadata';
import pino from 'pino';
import { ConfigError } from '@okr/platform';
import { buildGateway } from './gateway';
import { loadGatewayConfig } from './gateway.config';

const logSettings = {
  base: { service: 'gateway' },
  timestamp: pino.stdTimeFunctions.isoTime,
  formatters: { level: (label: string) => ({ level: label }) },
};

/** The one origin (`npm start` runs it on :3000): the web app and the whole API. */
async function main(): Promise<void> {
  let config: ReturnType<typeof loadGatewayConfig>;
  try {
    config = loadGatewayConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    pino(logSettings).fatal({ settings: error.settings }, error.message);
    process.exit(1);
  }
  const logger = pino({ ...logSettings, level: config.LOG_LEVEL });
  const app = await buildGateway(config, { logger });
  let closing = false;
  const close = (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'closing: finishing requests in flight');
    // Stops accepting connections and lets the requests in flight finish before exiting.
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'could not close cleanly');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => close('SIGTERM'));
  process.once('SIGINT', () => close('SIGINT'));
  await app.listen({ port: config.PORT, host: '0.0.0.0' });
  logger.info({ port: config.PORT, proxy: config.OKR_GATEWAY_PROXY }, `serving the web app${config.OKR_GATEWAY_PROXY ? ' and the API' : ''} at http://localhost:${config.PORT}`);
}

main().catch((error: unknown) => {
  pino(logSettings).fatal({ err: error }, 'the gateway could not start');
  process.exit(1);
});
