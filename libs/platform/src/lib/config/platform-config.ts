import { Expose, Transform } from 'class-transformer';
import { IsBoolean, IsDefined, IsIn, IsInt, IsNotEmpty, IsOptional, IsUrl, Matches, Max, Min, ValidateBy, ValidateIf } from 'class-validator';
import { KafkaSecuritySettings } from './kafka-security-settings';

/** DI token of the validated, frozen {@link PlatformConfig} of the running service. */
export const PLATFORM_CONFIG = Symbol('PLATFORM_CONFIG');

export const EVENT_STORE_KINDS = ['sqlite', 'kurrentdb'] as const;
export const BUS_KINDS = ['embedded', 'kafka'] as const;
export const READ_STORE_KINDS = ['embedded', 'mongodb'] as const;
export const KEY_STORE_KINDS = ['sqlite', 'mongodb'] as const;
export const AUTH_MODES = ['embedded', 'oidc'] as const;
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export type EventStoreKind = (typeof EVENT_STORE_KINDS)[number];
export type BusKind = (typeof BUS_KINDS)[number];
export type ReadStoreKind = (typeof READ_STORE_KINDS)[number];
export type KeyStoreKind = (typeof KEY_STORE_KINDS)[number];
export type AuthMode = (typeof AUTH_MODES)[number];
export type LogLevel = (typeof LOG_LEVELS)[number];

const toInt = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^\s*-?\d+\s*$/.test(value) ? Number(value) : value;

const toBoolean = ({ value }: { value: unknown }): unknown => {
  if (typeof value !== 'string') return value;
  const v = value.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(v)) return true;
  if (['false', '0', 'no', 'off'].includes(v)) return false;
  return value;
};

const toList = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s.length > 0)
    : value;

/** Parses a JSON setting; a value that is not JSON is kept as it is, for the validator to name. */
const toJson = ({ value }: { value: unknown }): unknown => {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
};

/** `{"group": "team"}` or `{"group": ["team", ...]}`, with non-empty names. */
const isGroupTeamMap = (value: unknown): boolean =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  Object.entries(value).every(
    ([group, teams]) =>
      group.trim() !== '' &&
      (typeof teams === 'string' ? teams.trim() !== '' : Array.isArray(teams) && teams.every((t) => typeof t === 'string' && t.trim() !== '')),
  );

const CLAIM_NAME = /^[\w:/.-]{1,200}$/;

const oneOf = (name: string, values: readonly string[]) => ({ message: `${name} must be one of: ${values.join(', ')}` });
const httpUrl = { require_tld: false, protocols: ['http', 'https'], require_protocol: true };

/**
 * The settings every service shares (ARCHITECTURE.md, "Configuration"), read from environment
 * variables by {@link loadConfig}. A service with settings of its own extends this class and passes
 * its subclass to `loadConfig`; every property needs `@Expose()` to be read from the environment.
 * Kafka's TLS and SASL settings live in {@link KafkaSecuritySettings}.
 */
export class PlatformConfig extends KafkaSecuritySettings {
  /** Folder of the embedded stores and of the embedded signing key. */
  @Expose() @IsNotEmpty({ message: 'OKR_DATA_DIR must not be empty' }) OKR_DATA_DIR = './data';

  @Expose() @IsIn(EVENT_STORE_KINDS, oneOf('OKR_EVENT_STORE', EVENT_STORE_KINDS)) OKR_EVENT_STORE: EventStoreKind = 'sqlite';

  /** KurrentDB / EventStoreDB connection string; required when `OKR_EVENT_STORE=kurrentdb`. */
  @Expose()
  @ValidateIf((c: PlatformConfig) => c.OKR_EVENT_STORE === 'kurrentdb')
  @IsDefined({ message: 'EVENTSTORE_URL must be set when OKR_EVENT_STORE=kurrentdb' })
  @Matches(/^(esdb|kurrentdb|kdb)(\+discover)?:\/\/\S+$/, {
    message: 'EVENTSTORE_URL must be a connection string such as kurrentdb://host:2113?tls=false',
  })
  EVENTSTORE_URL?: string;

  @Expose() @IsIn(BUS_KINDS, oneOf('OKR_BUS', BUS_KINDS)) OKR_BUS: BusKind = 'embedded';

  /** Bootstrap servers, from a comma-separated list; required when `OKR_BUS=kafka`. */
  @Expose()
  @Transform(toList)
  @ValidateIf((c: PlatformConfig) => c.OKR_BUS === 'kafka')
  @IsDefined({ message: 'KAFKA_BROKERS must be set when OKR_BUS=kafka' })
  @Matches(/^[^\s:,]+:\d{1,5}$/, { each: true, message: 'KAFKA_BROKERS must be a comma-separated list of host:port' })
  KAFKA_BROKERS?: readonly string[];

  /** Idempotent producer; `false` for librdkafka's mock cluster, which does not support it. */
  @Expose()
  @Transform(toBoolean)
  @IsBoolean({ message: 'KAFKA_IDEMPOTENT must be true or false' })
  KAFKA_IDEMPOTENT = true;

  /** Consumer group session timeout (kafkajs default 30 000 ms): how long a dead member holds its partitions. */
  @Expose()
  @Transform(toInt)
  @IsInt({ message: 'KAFKA_SESSION_TIMEOUT_MS must be a whole number from 1000 to 300000' })
  @Min(1000, { message: 'KAFKA_SESSION_TIMEOUT_MS must be a whole number from 1000 to 300000' })
  @Max(300_000, { message: 'KAFKA_SESSION_TIMEOUT_MS must be a whole number from 1000 to 300000' })
  KAFKA_SESSION_TIMEOUT_MS = 30_000;

  /** Consumer heartbeat interval; under a third of the session timeout (kafkajs default 3 000 ms). */
  @Expose()
  @Transform(toInt)
  @IsInt({ message: 'KAFKA_HEARTBEAT_INTERVAL_MS must be a whole number from 100 to 100000' })
  @Min(100, { message: 'KAFKA_HEARTBEAT_INTERVAL_MS must be a whole number from 100 to 100000' })
  @Max(100_000, { message: 'KAFKA_HEARTBEAT_INTERVAL_MS must be a whole number from 100 to 100000' })
  KAFKA_HEARTBEAT_INTERVAL_MS = 3000;

  /** Longest a consumer fetch waits for data when there is none (kafkajs default 5 000 ms). */
  @Expose()
  @Transform(toInt)
  @IsInt({ message: 'KAFKA_MAX_WAIT_MS must be a whole number from 10 to 60000' })
  @Min(10, { message: 'KAFKA_MAX_WAIT_MS must be a whole number from 10 to 60000' })
  @Max(60_000, { message: 'KAFKA_MAX_WAIT_MS must be a whole number from 10 to 60000' })
  KAFKA_MAX_WAIT_MS = 5000;

  @Expose() @IsIn(READ_STORE_KINDS, oneOf('OKR_READ_STORE', READ_STORE_KINDS)) OKR_READ_STORE: ReadStoreKind = 'embedded';

  /**
   * The embedded read store: megabytes of documents' JSON each process keeps parsed in memory (the
   * others are read from its file when asked for; a parsed document takes 3-5 times its text). Unset:
   * an eighth of the heap's limit (about 512 with Node's default heap here).
   */
  @Expose()
  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: 'OKR_READ_STORE_CACHE_MB must be a whole number from 0 to 1000000' })
  @Min(0, { message: 'OKR_READ_STORE_CACHE_MB must be a whole number from 0 to 1000000' })
  @Max(1_000_000, { message: 'OKR_READ_STORE_CACHE_MB must be a whole number from 0 to 1000000' })
  OKR_READ_STORE_CACHE_MB?: number;

  /**
   * Where the personal-data keys live. `sqlite` (the default, like every embedded default: nothing to
   * run besides the services) is a file in `OKR_DATA_DIR`, right for one replica or for pods that share
   * that folder; `mongodb` is one collection every replica shares, for production (replicas with key
   * files of their own could not open each other's events).
   */
  @Expose() @IsIn(KEY_STORE_KINDS, oneOf('OKR_KEY_STORE', KEY_STORE_KINDS)) OKR_KEY_STORE: KeyStoreKind = 'sqlite';

  /** Personal-data keys each process keeps for reading (0: ask the key store for every event). */
  @Expose()
  @Transform(toInt)
  @IsInt({ message: 'OKR_KEY_CACHE_ENTRIES must be a whole number from 0 to 1000000' })
  @Min(0, { message: 'OKR_KEY_CACHE_ENTRIES must be a whole number from 0 to 1000000' })
  @Max(1_000_000, { message: 'OKR_KEY_CACHE_ENTRIES must be a whole number from 0 to 1000000' })
  OKR_KEY_CACHE_ENTRIES = 10_000;

  /**
   * How long a kept key is used before the key store is asked again: a person erased on another
   * replica is unreadable on this one within this many seconds (at once on the replica that erased).
   */
  @Expose()
  @Transform(toInt)
  @IsInt({ message: 'OKR_KEY_CACHE_SECONDS must be a whole number from 1 to 3600' })
  @Min(1, { message: 'OKR_KEY_CACHE_SECONDS must be a whole number from 1 to 3600' })
  @Max(3600, { message: 'OKR_KEY_CACHE_SECONDS must be a whole number from 1 to 3600' })
  OKR_KEY_CACHE_SECONDS = 60;

  /** MongoDB connection string; required when `OKR_READ_STORE=mongodb` or `OKR_KEY_STORE=mongodb`. */
  @Expose()
  @ValidateIf((c: PlatformConfig) => c.OKR_READ_STORE === 'mongodb' || c.OKR_KEY_STORE === 'mongodb')
  @IsDefined({
    message: ({ object }) =>
      `MONGO_URL must be set when ${(object as PlatformConfig).OKR_READ_STORE === 'mongodb' ? 'OKR_READ_STORE' : 'OKR_KEY_STORE'}=mongodb`,
  })
  @Matches(/^mongodb(\+srv)?:\/\/\S+$/, { message: 'MONGO_URL must start with mongodb:// or mongodb+srv://' })
  MONGO_URL?: string;

  /** HTTP port; each service passes its own default to `loadConfig`. */
  @Expose()
  @Transform(toInt)
  @IsDefined({ message: 'PORT must be set' })
  @IsInt({ message: 'PORT must be a whole number from 0 to 65535' })
  @Min(0, { message: 'PORT must be a whole number from 0 to 65535' })
  @Max(65535, { message: 'PORT must be a whole number from 0 to 65535' })
  PORT!: number;

  @Expose() @IsIn(AUTH_MODES, oneOf('OKR_AUTH_MODE', AUTH_MODES)) OKR_AUTH_MODE: AuthMode = 'embedded';

  /** Token issuer (`iss`); required when `OKR_AUTH_MODE=oidc`. */
  @Expose()
  @ValidateIf((c: PlatformConfig) => c.OKR_AUTH_MODE === 'oidc')
  @IsDefined({ message: 'OKR_OIDC_ISSUER must be set when OKR_AUTH_MODE=oidc' })
  @IsUrl(httpUrl, { message: 'OKR_OIDC_ISSUER must be an http(s) URL' })
  OKR_OIDC_ISSUER?: string;

  /** Expected token audience (`aud`); required when `OKR_AUTH_MODE=oidc`. */
  @Expose()
  @ValidateIf((c: PlatformConfig) => c.OKR_AUTH_MODE === 'oidc')
  @IsDefined({ message: 'OKR_OIDC_AUDIENCE must be set when OKR_AUTH_MODE=oidc' })
  OKR_OIDC_AUDIENCE?: string;

  /**
   * The web app's client id at the identity provider (a public client: authorization code flow with
   * PKCE); required when `OKR_AUTH_MODE=oidc`, told to the web app by `GET /api/v1/auth/config`.
   */
  @Expose()
  @ValidateIf((c: PlatformConfig) => c.OKR_AUTH_MODE === 'oidc' || c.OKR_OIDC_CLIENT_ID !== undefined)
  @IsDefined({ message: 'OKR_OIDC_CLIENT_ID must be set when OKR_AUTH_MODE=oidc' })
  @Matches(/^[\x21-\x7e]{1,200}$/, { message: 'OKR_OIDC_CLIENT_ID must be 1-200 printable characters without spaces' })
  OKR_OIDC_CLIENT_ID?: string;

  /** JWKS location; defaults to `<issuer>/.well-known/jwks.json`. */
  @Expose()
  @ValidateIf((c: PlatformConfig) => c.OKR_OIDC_JWKS_URL !== undefined)
  @IsUrl(httpUrl, { message: 'OKR_OIDC_JWKS_URL must be an http(s) URL' })
  OKR_OIDC_JWKS_URL?: string;

  /** Name of the token claim that carries the tenant id. */
  @Expose()
  @Matches(CLAIM_NAME, { message: 'OKR_TENANT_CLAIM must be a claim name' })
  OKR_TENANT_CLAIM = 'tenant';

  /**
   * How long a verified service-account API key is trusted before the registry is read again: a
   * revoked or rotated key stops working within this many seconds on every replica (0: read every time).
   */
  @Expose()
  @Transform(toInt)
  @IsInt({ message: 'OKR_API_KEY_CACHE_SECONDS must be a whole number from 0 to 3600' })
  @Min(0, { message: 'OKR_API_KEY_CACHE_SECONDS must be a whole number from 0 to 3600' })
  @Max(3600, { message: 'OKR_API_KEY_CACHE_SECONDS must be a whole number from 0 to 3600' })
  OKR_API_KEY_CACHE_SECONDS = 30;

  /**
   * How many folded aggregates (objectives, cycles, check-in streams...) each process keeps, so that a
   * command or a read of a long stream folds only the events appended since (0: fold every stream whole).
   */
  @Expose()
  @Transform(toInt)
  @IsInt({ message: 'OKR_FOLD_CACHE_ENTRIES must be a whole number from 0 to 1000000' })
  @Min(0, { message: 'OKR_FOLD_CACHE_ENTRIES must be a whole number from 0 to 1000000' })
  @Max(1_000_000, { message: 'OKR_FOLD_CACHE_ENTRIES must be a whole number from 0 to 1000000' })
  OKR_FOLD_CACHE_ENTRIES = 5000;

  /**
   * How long a folded aggregate is reused before its stream is folded whole again: a person's erased
   * data leaves every replica's memory within this many seconds.
   */
  @Expose()
  @Transform(toInt)
  @IsInt({ message: 'OKR_FOLD_CACHE_SECONDS must be a whole number from 1 to 86400' })
  @Min(1, { message: 'OKR_FOLD_CACHE_SECONDS must be a whole number from 1 to 86400' })
  @Max(86_400, { message: 'OKR_FOLD_CACHE_SECONDS must be a whole number from 1 to 86400' })
  OKR_FOLD_CACHE_SECONDS = 300;

  /**
   * Name of the token claim that lists the caller's roles (`admin`, `leader`, `member`, `auditor`;
   * others are ignored, none means `member`). A dotted name such as `realm_access.roles` reads a
   * nested claim when no claim has that exact name.
   */
  @Expose()
  @Matches(CLAIM_NAME, { message: 'OKR_ROLES_CLAIM must be a claim name' })
  OKR_ROLES_CLAIM = 'roles';

  /** Name of the token claim that lists the caller's teams (or identity-provider groups, see below). */
  @Expose()
  @Matches(CLAIM_NAME, { message: 'OKR_TEAMS_CLAIM must be a claim name' })
  OKR_TEAMS_CLAIM = 'teams';

  /**
   * Optional JSON object turning identity-provider groups into teams, e.g.
   * `{"/okr/growth": "growth", "sales-emea": ["sales", "emea"]}`. When set, only mapped groups make
   * teams; when unset, every value of the teams claim is a team.
   */
  @Expose()
  @Transform(toJson)
  @ValidateIf((c: PlatformConfig) => c.OKR_GROUP_TEAM_MAP !== undefined)
  @ValidateBy(
    { name: 'isGroupTeamMap', validator: { validate: isGroupTeamMap } },
    { message: 'OKR_GROUP_TEAM_MAP must be a JSON object of group name to team name or list of team names' },
  )
  OKR_GROUP_TEAM_MAP?: Readonly<Record<string, string | readonly string[]>>;

  @Expose() @IsIn(LOG_LEVELS, oneOf('LOG_LEVEL', LOG_LEVELS)) LOG_LEVEL: LogLevel = 'info';

  /**
   * How long an `Idempotency-Key`'s record is kept: a retry within it replays the first answer; after
   * it the key is free again (KurrentDB also drops the record, with `$maxAge` on the key's stream).
   */
  @Expose()
  @Transform(toInt)
  @IsInt({ message: 'OKR_IDEMPOTENCY_RETENTION_HOURS must be a whole number of hours from 1 to 8760' })
  @Min(1, { message: 'OKR_IDEMPOTENCY_RETENTION_HOURS must be a whole number of hours from 1 to 8760' })
  @Max(8760, { message: 'OKR_IDEMPOTENCY_RETENTION_HOURS must be a whole number of hours from 1 to 8760' })
  OKR_IDEMPOTENCY_RETENTION_HOURS = 72;

  /** Largest accepted request body; larger ones get 413. */
  @Expose()
  @Transform(toInt)
  @IsInt({ message: 'OKR_BODY_LIMIT_BYTES must be a whole number of bytes of at least 1' })
  @Min(1, { message: 'OKR_BODY_LIMIT_BYTES must be a whole number of bytes of at least 1' })
  OKR_BODY_LIMIT_BYTES = 1024 * 1024;

  /** Deepest nesting of arrays and objects a JSON body may have; deeper ones get 400 before any parsing. */
  @Expose()
  @Transform(toInt)
  @IsInt({ message: 'OKR_JSON_MAX_DEPTH must be a whole number from 2 to 1000' })
  @Min(2, { message: 'OKR_JSON_MAX_DEPTH must be a whole number from 2 to 1000' })
  @Max(1000, { message: 'OKR_JSON_MAX_DEPTH must be a whole number from 2 to 1000' })
  OKR_JSON_MAX_DEPTH = 32;

  /** Longest a bearer token may live (`exp` from now, and from `iat`); longer-lived tokens and tokens without `exp` get 401. */
  @Expose()
  @Transform(toInt)
  @IsInt({ message: 'OKR_TOKEN_MAX_LIFETIME_SECONDS must be a whole number of seconds of at least 60' })
  @Min(60, { message: 'OKR_TOKEN_MAX_LIFETIME_SECONDS must be a whole number of seconds of at least 60' })
  OKR_TOKEN_MAX_LIFETIME_SECONDS = 24 * 60 * 60;

  /** Clock difference tolerated with the token issuer for `exp`, `nbf` and `iat`. */
  @Expose()
  @Transform(toInt)
  @IsInt({ message: 'OKR_TOKEN_CLOCK_SKEW_SECONDS must be a whole number from 0 to 600' })
  @Min(0, { message: 'OKR_TOKEN_CLOCK_SKEW_SECONDS must be a whole number from 0 to 600' })
  @Max(600, { message: 'OKR_TOKEN_CLOCK_SKEW_SECONDS must be a whole number from 0 to 600' })
  OKR_TOKEN_CLOCK_SKEW_SECONDS = 60;

  /** Requests one client address may make per rate-limit window (429 beyond); 0 = no limit. */
  @Expose()
  @Transform(toInt)
  @IsInt({ message: 'OKR_RATE_LIMIT_PER_IP must be a whole number (0 = off)' })
  @Min(0, { message: 'OKR_RATE_LIMIT_PER_IP must be a whole number (0 = off)' })
  OKR_RATE_LIMIT_PER_IP = 50_000;

  /** Requests one principal (tenant and user) may make per rate-limit window (429 beyond); 0 = no limit. */
  @Expose()
  @Transform(toInt)
  @IsInt({ message: 'OKR_RATE_LIMIT_PER_PRINCIPAL must be a whole number (0 = off)' })
  @Min(0, { message: 'OKR_RATE_LIMIT_PER_PRINCIPAL must be a whole number (0 = off)' })
  OKR_RATE_LIMIT_PER_PRINCIPAL = 10_000;

  /** Length of the rate-limit window. */
  @Expose()
  @Transform(toInt)
  @IsInt({ message: 'OKR_RATE_LIMIT_WINDOW_SECONDS must be a whole number from 1 to 86400' })
  @Min(1, { message: 'OKR_RATE_LIMIT_WINDOW_SECONDS must be a whole number from 1 to 86400' })
  @Max(86_400, { message: 'OKR_RATE_LIMIT_WINDOW_SECONDS must be a whole number from 1 to 86400' })
  OKR_RATE_LIMIT_WINDOW_SECONDS = 60;

  /**
   * Serve `GET /metrics` on this port only, not on the API port (0: any free port, for tests). Unset:
   * `/metrics` is a route of the API port, as the embedded default.
   */
  @Expose()
  @Transform(toInt)
  @ValidateIf((c: PlatformConfig) => c.OKR_METRICS_PORT !== undefined)
  @IsInt({ message: 'OKR_METRICS_PORT must be a whole number from 0 to 65535' })
  @Min(0, { message: 'OKR_METRICS_PORT must be a whole number from 0 to 65535' })
  @Max(65535, { message: 'OKR_METRICS_PORT must be a whole number from 0 to 65535' })
  OKR_METRICS_PORT?: number;

  /**
   * Base URL of an OpenTelemetry collector's OTLP/HTTP receiver (`http://otel-collector:4318`): traces
   * are exported to `<url>/v1/traces`. Unset: tracing is off (a `traceparent` that came in still travels on).
   */
  @Expose()
  @ValidateIf((c: PlatformConfig) => c.OKR_OTLP_ENDPOINT !== undefined)
  @IsUrl(httpUrl, { message: 'OKR_OTLP_ENDPOINT must be an http(s) URL, e.g. http://otel-collector:4318' })
  OKR_OTLP_ENDPOINT?: string;
}
