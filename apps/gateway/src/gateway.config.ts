import { Expose, Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsNotEmpty, IsUrl, Max, Min } from 'class-validator';
import { LOG_LEVELS, loadConfig, type LogLevel } from '@okr/platform';
import { SERVICE_PORTS, type ServiceName } from '@okr/routing';

const toInt = ({ value }: { value: unknown }): unknown => (typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value);
const toBoolean = ({ value }: { value: unknown }): unknown =>
  value === 'true' || value === '1' ? true : value === 'false' || value === '0' ? false : value;
const upstream = { require_tld: false, protocols: ['http', 'https'], require_protocol: true };
const upstreamMessage = (name: string) => ({ message: `${name} must be an http(s) URL such as http://127.0.0.1:3001` });

/** The gateway's settings, from the environment (README, "Configuration"). */
export class GatewayConfig {
  /** HTTP port of the one origin. */
  @Expose()
  @Transform(toInt)
  @IsInt({ message: 'PORT must be a whole number from 0 to 65535' })
  @Min(0, { message: 'PORT must be a whole number from 0 to 65535' })
  @Max(65535, { message: 'PORT must be a whole number from 0 to 65535' })
  PORT = 3000;

  /** `false`: serve the web app alone (the Kubernetes `web` Deployment, where an HTTPRoute routes the API). */
  @Expose() @Transform(toBoolean) @IsBoolean({ message: 'OKR_GATEWAY_PROXY must be true or false' }) OKR_GATEWAY_PROXY = true;

  @Expose() @IsUrl(upstream, upstreamMessage('OKR_GOALS_URL')) OKR_GOALS_URL = `http://127.0.0.1:${SERVICE_PORTS.goals}`;
  @Expose() @IsUrl(upstream, upstreamMessage('OKR_CHECK_INS_URL')) OKR_CHECK_INS_URL = `http://127.0.0.1:${SERVICE_PORTS['check-ins']}`;
  @Expose() @IsUrl(upstream, upstreamMessage('OKR_INSIGHTS_URL')) OKR_INSIGHTS_URL = `http://127.0.0.1:${SERVICE_PORTS.insights}`;
  @Expose() @IsUrl(upstream, upstreamMessage('OKR_NOTIFICATIONS_URL')) OKR_NOTIFICATIONS_URL = `http://127.0.0.1:${SERVICE_PORTS.notifications}`;

  /** The web app's production build (its `index.html` and assets); relative to the working directory. */
  @Expose() @IsNotEmpty({ message: 'OKR_WEB_DIR must not be empty' }) OKR_WEB_DIR = 'dist/apps/web';

  @Expose() @IsIn(LOG_LEVELS, { message: `LOG_LEVEL must be one of: ${LOG_LEVELS.join(', ')}` }) LOG_LEVEL: LogLevel = 'info';
}

/**
 * The gateway's configuration, validated.
 * @throws ConfigError naming every bad setting.
 */
export const loadGatewayConfig = (env: Readonly<Record<string, string | undefined>>): Readonly<GatewayConfig> =>
  loadConfig(env, {}, GatewayConfig);

/** Each service's base URL, from the configuration. */
export function upstreamsOf(config: GatewayConfig): Record<ServiceName, string> {
  const base = (url: string) => url.replace(/\/+$/, '');
  return {
    goals: base(config.OKR_GOALS_URL),
    'check-ins': base(config.OKR_CHECK_INS_URL),
    insights: base(config.OKR_INSIGHTS_URL),
    notifications: base(config.OKR_NOTIFICATIONS_URL),
  };
}
