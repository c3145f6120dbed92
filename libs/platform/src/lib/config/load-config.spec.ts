import { eventStoreConfig } from './engines';
import { ConfigError, loadConfig } from './load-config';

const DEFAULTS = { PORT: 3001 };

function errorOf(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env, DEFAULTS);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('applies the documented defaults and the service port', () => {
    const config = loadConfig({}, DEFAULTS);
    expect(config).toMatchObject({
      OKR_DATA_DIR: './data',
      OKR_EVENT_STORE: 'sqlite',
      OKR_BUS: 'embedded',
      KAFKA_IDEMPOTENT: true,
      KAFKA_SESSION_TIMEOUT_MS: 30000,
      KAFKA_HEARTBEAT_INTERVAL_MS: 3000,
      KAFKA_MAX_WAIT_MS: 5000,
      OKR_READ_STORE: 'embedded',
      PORT: 3001,
      OKR_AUTH_MODE: 'embedded',
      OKR_TENANT_CLAIM: 'tenant',
      OKR_ROLES_CLAIM: 'roles',
      OKR_TEAMS_CLAIM: 'teams',
      LOG_LEVEL: 'info',
      OKR_BODY_LIMIT_BYTES: 1048576,
    });
    expect(config.EVENTSTORE_URL).toBeUndefined();
    expect(config.OKR_GROUP_TEAM_MAP).toBeUndefined();
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads, converts and freezes values from the environment; ignores other variables and empty ones', () => {
    const config = loadConfig(
      {
        PORT: '4000',
        OKR_BUS: 'kafka',
        KAFKA_BROKERS: 'a:9092, b:9093',
        KAFKA_IDEMPOTENT: 'false',
        OKR_EVENT_STORE: 'kurrentdb',
        EVENTSTORE_URL: 'kurrentdb://localhost:2113?tls=false',
        OKR_DATA_DIR: '',
        HOME: '/root',
      },
      DEFAULTS,
    );
    expect(config.PORT).toBe(4000);
    expect(config.KAFKA_BROKERS).toEqual(['a:9092', 'b:9093']);
    expect(config.KAFKA_IDEMPOTENT).toBe(false);
    expect(config.OKR_DATA_DIR).toBe('./data');
    expect(config).not.toHaveProperty('HOME');
    expect(Object.isFrozen(config.KAFKA_BROKERS)).toBe(true);
  });

  it.each([
    [{ OKR_EVENT_STORE: 'kurrentdb' }, 'EVENTSTORE_URL must be set when OKR_EVENT_STORE=kurrentdb'],
    [{ OKR_EVENT_STORE: 'kurrentdb', EVENTSTORE_URL: 'http://x' }, 'EVENTSTORE_URL must be a connection string'],
    [{ OKR_EVENT_STORE: 'postgres' }, 'OKR_EVENT_STORE must be one of: sqlite, kurrentdb (got "postgres")'],
    [{ OKR_BUS: 'kafka' }, 'KAFKA_BROKERS must be set when OKR_BUS=kafka'],
    [{ OKR_BUS: 'kafka', KAFKA_BROKERS: 'localhost' }, 'KAFKA_BROKERS must be a comma-separated list of host:port'],
    [{ OKR_BUS: 'rabbit' }, 'OKR_BUS must be one of: embedded, kafka (got "rabbit")'],
    [{ KAFKA_IDEMPOTENT: 'maybe' }, 'KAFKA_IDEMPOTENT must be true or false (got "maybe")'],
    [{ KAFKA_SESSION_TIMEOUT_MS: '500' }, 'KAFKA_SESSION_TIMEOUT_MS must be a whole number from 1000 to 300000 (got "500")'],
    [{ OKR_READ_STORE: 'mongodb' }, 'MONGO_URL must be set when OKR_READ_STORE=mongodb'],
    [{ OKR_READ_STORE: 'mongodb', MONGO_URL: 'mysql://x' }, 'MONGO_URL must start with mongodb://'],
    [{ OKR_READ_STORE: 'sql' }, 'OKR_READ_STORE must be one of: embedded, mongodb (got "sql")'],
    [{ OKR_KEY_STORE: 'mongodb' }, 'MONGO_URL must be set when OKR_KEY_STORE=mongodb'],
    [{ OKR_KEY_STORE: 'mongodb', MONGO_URL: 'mysql://x' }, 'MONGO_URL must start with mongodb://'],
    [{ OKR_KEY_STORE: 'vault' }, 'OKR_KEY_STORE must be one of: sqlite, mongodb (got "vault")'],
    [{ OKR_READ_STORE_CACHE_MB: '-5' }, 'OKR_READ_STORE_CACHE_MB must be a whole number from 0 to 1000000 (got "-5")'],
    [{ OKR_READ_STORE_CACHE_MB: 'half' }, 'OKR_READ_STORE_CACHE_MB must be a whole number from 0 to 1000000 (got "half")'],
    [{ OKR_KEY_CACHE_ENTRIES: '-1' }, 'OKR_KEY_CACHE_ENTRIES must be a whole number from 0 to 1000000 (got "-1")'],
    [{ OKR_KEY_CACHE_ENTRIES: 'many' }, 'OKR_KEY_CACHE_ENTRIES must be a whole number from 0 to 1000000 (got "many")'],
    [{ OKR_KEY_CACHE_SECONDS: '0' }, 'OKR_KEY_CACHE_SECONDS must be a whole number from 1 to 3600 (got "0")'],
    [{ OKR_KEY_CACHE_SECONDS: '7200' }, 'OKR_KEY_CACHE_SECONDS must be a whole number from 1 to 3600 (got "7200")'],
    [{ PORT: 'eighty' }, 'PORT must be a whole number from 0 to 65535 (got "eighty")'],
    [{ PORT: '70000' }, 'PORT must be a whole number from 0 to 65535 (got "70000")'],
    [{ OKR_AUTH_MODE: 'saml' }, 'OKR_AUTH_MODE must be one of: embedded, oidc (got "saml")'],
    [{ OKR_AUTH_MODE: 'oidc', OKR_OIDC_AUDIENCE: 'okr', OKR_OIDC_CLIENT_ID: 'okr-web' }, 'OKR_OIDC_ISSUER must be set when OKR_AUTH_MODE=oidc'],
    [{ OKR_AUTH_MODE: 'oidc', OKR_OIDC_ISSUER: 'https://id.example', OKR_OIDC_CLIENT_ID: 'okr-web' }, 'OKR_OIDC_AUDIENCE must be set when OKR_AUTH_MODE=oidc'],
    [{ OKR_AUTH_MODE: 'oidc', OKR_OIDC_ISSUER: 'https://id.example', OKR_OIDC_AUDIENCE: 'okr' }, 'OKR_OIDC_CLIENT_ID must be set when OKR_AUTH_MODE=oidc'],
    [{ OKR_OIDC_CLIENT_ID: 'okr web' }, 'OKR_OIDC_CLIENT_ID must be 1-200 printable characters without spaces'],
    [
      { OKR_AUTH_MODE: 'oidc', OKR_OIDC_ISSUER: 'not a url', OKR_OIDC_AUDIENCE: 'okr', OKR_OIDC_CLIENT_ID: 'okr-web' },
      'OKR_OIDC_ISSUER must be an http(s) URL',
    ],
    [{ OKR_OIDC_JWKS_URL: 'ftp://keys' }, 'OKR_OIDC_JWKS_URL must be an http(s) URL'],
    [{ OKR_TENANT_CLAIM: 'a claim' }, 'OKR_TENANT_CLAIM must be a claim name'],
    [{ LOG_LEVEL: 'verbose' }, 'LOG_LEVEL must be one of: fatal, error, warn, info, debug, trace, silent (got "verbose")'],
    [{ OKR_BODY_LIMIT_BYTES: '0' }, 'OKR_BODY_LIMIT_BYTES must be a whole number of bytes of at least 1 (got "0")'],
    [{ OKR_BODY_LIMIT_BYTES: '1MB' }, 'OKR_BODY_LIMIT_BYTES must be a whole number of bytes of at least 1 (got "1MB")'],
  ])('rejects %j with one line naming the setting', (env, expected) => {
    const error = errorOf(env);
    expect(error.message).toContain(`Invalid configuration: ${expected}`);
    expect(error.message).not.toContain('\n');
    expect(error.settings).toHaveLength(1);
  });

  it("leaves the embedded read store's cache to its default unless told", () => {
    expect(loadConfig({}, DEFAULTS).OKR_READ_STORE_CACHE_MB).toBeUndefined();
    expect(loadConfig({ OKR_READ_STORE_CACHE_MB: '256' }, DEFAULTS).OKR_READ_STORE_CACHE_MB).toBe(256);
  });

  it('keeps personal-data keys in the data folder unless told, and in MongoDB when told', () => {
    const embedded = eventStoreConfig(loadConfig({ OKR_DATA_DIR: '/data' }, DEFAULTS));
    expect(embedded.personalDataKeys).toEqual({ kind: 'sqlite', file: '/data/personal-data-keys.sqlite', cache: { maxEntries: 10_000, maxAgeMs: 60_000 } });
    const shared = eventStoreConfig(
      loadConfig({ OKR_KEY_STORE: 'mongodb', MONGO_URL: 'mongodb://db/okr', OKR_KEY_CACHE_ENTRIES: '0', OKR_KEY_CACHE_SECONDS: '5' }, DEFAULTS),
    );
    expect(shared.personalDataKeys).toEqual({ kind: 'mongodb', url: 'mongodb://db/okr', cache: { maxEntries: 0, maxAgeMs: 5000 } });
  });

  it('keeps aggregate snapshots where every replica finds them: the data folder, or the KurrentDB server', () => {
    expect(eventStoreConfig(loadConfig({ OKR_DATA_DIR: '/data' }, DEFAULTS)).snapshots).toEqual({ kind: 'sqlite', file: '/data/aggregate-snapshots.sqlite', every: 16, keyCacheMaxAgeMs: 60_000 });
    const url = 'kurrentdb://kurrentdb:2113?tls=false';
    expect(eventStoreConfig(loadConfig({ OKR_EVENT_STORE: 'kurrentdb', EVENTSTORE_URL: url }, DEFAULTS)).snapshots).toEqual({ kind: 'kurrentdb', connectionString: url, every: 16, keyCacheMaxAgeMs: 60_000 });
  });

  it('needs a PORT when the service gives no default', () => {
    expect(() => loadConfig({})).toThrow('Invalid configuration: PORT must be set');
  });

  it('names every bad setting on the same line', () => {
    const error = errorOf({ OKR_EVENT_STORE: 'kurrentdb', OKR_BUS: 'kafka' });
    expect(error.settings).toEqual(['EVENTSTORE_URL', 'KAFKA_BROKERS']);
    expect(error.message).toBe(
      'Invalid configuration: EVENTSTORE_URL must be set when OKR_EVENT_STORE=kurrentdb; KAFKA_BROKERS must be set when OKR_BUS=kafka',
    );
  });

  it('reads the group-to-team map as JSON and refuses one that is not a map of names', () => {
    const map = '{"/okr/growth": "growth", "emea": ["sales", "emea"]}';
    expect(loadConfig({ OKR_GROUP_TEAM_MAP: map }, DEFAULTS).OKR_GROUP_TEAM_MAP).toEqual({ '/okr/growth': 'growth', emea: ['sales', 'emea'] });
    for (const bad of ['growth', '["growth"]', '{"g": 1}', '{"g": ""}', '{"g": ["a", 2]}']) {
      const error = errorOf({ OKR_GROUP_TEAM_MAP: bad });
      expect(error.settings).toEqual(['OKR_GROUP_TEAM_MAP']);
      expect(error.message).toContain('OKR_GROUP_TEAM_MAP must be a JSON object of group name to team name');
    }
    expect(errorOf({ OKR_ROLES_CLAIM: 'two words' }).settings).toEqual(['OKR_ROLES_CLAIM']);
  });

  it('never repeats a connection string, which may hold a password', () => {
    const error = errorOf({ OKR_READ_STORE: 'mongodb', MONGO_URL: 'mysql://user:secret@db' });
    expect(error.message).not.toContain('secret');
  });
});
