/** `PORT` of the notifications service when the environment has none (ARCHITECTURE.md, "Configuration"). */
export const NOTIFICATIONS_DEFAULT_PORT = 3004;

export const NOTIFICATIONS_SETTINGS = Symbol('NOTIFICATIONS_SETTINGS');

/** The notifications service's own settings, read from the environment and validated at start. */
export interface NotificationsSettings {
  /** `OKR_SMTP_URL`: default SMTP server (`smtp://user:pass@host:587`, `smtps://…`); a tenant can set its own. */
  smtpUrl?: string;
  /** `OKR_SMTP_FROM`: default sender. */
  smtpFrom: string;
  /** `OKR_DELIVERY_MAX_ATTEMPTS`: attempts per delivery before it is marked failed (1..20, default 8). */
  maxAttempts: number;
  /** `OKR_DELIVERY_RETRY_INITIAL_MS`: first retry delay; doubles each attempt with jitter (default 1000). */
  retryInitialMs: number;
  /** `OKR_DELIVERY_RETRY_MAX_MS`: longest retry delay (default 300000). */
  retryMaxMs: number;
  /** `OKR_WEBHOOK_TIMEOUT_MS`: HTTP timeout of one webhook / chat / SMTP attempt (default 10000). */
  timeoutMs: number;
  /**
   * `OKR_DELIVERY_LEASE_SECONDS`: how long a claimed delivery is reserved for the replica sending it
   * (default 60). A replica killed mid-send leaves the lease to expire; another one sends again, with
   * the same delivery id. Must exceed the timeout.
   */
  leaseSeconds: number;
  /** `OKR_DISPATCH_INTERVAL_MS`: how often due deliveries are looked for besides the wake-ups (default 500). */
  dispatchIntervalMs: number;
  /** `OKR_DELIVERY_CONCURRENCY`: attempts one replica has in flight at most (default 32). */
  concurrency: number;
  /**
   * `OKR_DELIVERY_CONCURRENCY_PER_DESTINATION`: attempts in flight at most per destination (a webhook,
   * a person's chat channel, a tenant's SMTP server; default 2), so that one slow or dead destination
   * holds at most this many slots and never the others'.
   */
  concurrencyPerDestination: number;
  /** `OKR_REMINDER_INTERVAL_SECONDS`: how often check-in reminders are evaluated (default 300; 0 disables the timer). */
  reminderIntervalSeconds: number;
  /** `OKR_DIGEST_INTERVAL_SECONDS`: how often due daily digests are assembled (default 60; 0 disables the timer). */
  digestIntervalSeconds: number;
  /**
   * `OKR_NOTIFY_MAX_AGE_HOURS`: events older than this when they arrive update the view but notify
   * nobody (a rebuild, a replay from the start, an outage of days: stale news is not news; default 24).
   */
  notifyMaxAgeHours: number;
  /**
   * `OKR_WEBHOOK_ALLOW_PRIVATE`: whether webhook and chat URLs may point at private, loopback,
   * link-local or otherwise reserved addresses (default true: the embedded default, where a receiver
   * on localhost is the normal way to try it). `false` in production: a tenant admin must not make the
   * service probe the internal network (SSRF); such URLs are refused when registered and, since DNS
   * can change, again before each attempt, whose request connects to the addresses just checked.
   */
  allowPrivateDestinations: boolean;
}

const intIn = (env: NodeJS.ProcessEnv, key: string, fallback: number, min: number, max: number): number => {
  const raw = env[key];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${key} must be a whole number from ${min} to ${max} (got "${raw}")`);
  }
  return value;
};

/** `true` / `false` (also 1 / 0, yes / no, on / off, as the platform's own switches). */
const booleanOf = (env: NodeJS.ProcessEnv, key: string, fallback: boolean): boolean => {
  const raw = env[key];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = raw.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(value)) return true;
  if (['false', '0', 'no', 'off'].includes(value)) return false;
  throw new Error(`${key} must be true or false (got "${raw}")`);
};

/** Reads and checks the settings; throws an error naming the first bad one. */
export function notificationsSettingsFrom(env: NodeJS.ProcessEnv): NotificationsSettings {
  const smtpUrl = env['OKR_SMTP_URL']?.trim() || undefined;
  if (smtpUrl !== undefined) {
    let ok = false;
    try {
      const url = new URL(smtpUrl);
      ok = (url.protocol === 'smtp:' || url.protocol === 'smtps:') && url.hostname !== '';
    } catch {
      ok = false;
    }
    // Never echo the value: it may hold a password.
    if (!ok) throw new Error('OKR_SMTP_URL must look like smtp://user:password@host:587 or smtps://host:465');
  }
  const settings: NotificationsSettings = {
    ...(smtpUrl ? { smtpUrl } : {}),
    smtpFrom: env['OKR_SMTP_FROM']?.trim() || 'OKR <okr@localhost>',
    maxAttempts: intIn(env, 'OKR_DELIVERY_MAX_ATTEMPTS', 8, 1, 20),
    retryInitialMs: intIn(env, 'OKR_DELIVERY_RETRY_INITIAL_MS', 1000, 1, 3_600_000),
    retryMaxMs: intIn(env, 'OKR_DELIVERY_RETRY_MAX_MS', 300_000, 1, 86_400_000),
    timeoutMs: intIn(env, 'OKR_WEBHOOK_TIMEOUT_MS', 10_000, 100, 120_000),
    leaseSeconds: intIn(env, 'OKR_DELIVERY_LEASE_SECONDS', 60, 1, 3600),
    dispatchIntervalMs: intIn(env, 'OKR_DISPATCH_INTERVAL_MS', 500, 10, 60_000),
    concurrency: intIn(env, 'OKR_DELIVERY_CONCURRENCY', 32, 1, 1000),
    concurrencyPerDestination: intIn(env, 'OKR_DELIVERY_CONCURRENCY_PER_DESTINATION', 2, 1, 100),
    reminderIntervalSeconds: intIn(env, 'OKR_REMINDER_INTERVAL_SECONDS', 300, 0, 86_400),
    digestIntervalSeconds: intIn(env, 'OKR_DIGEST_INTERVAL_SECONDS', 60, 0, 86_400),
    notifyMaxAgeHours: intIn(env, 'OKR_NOTIFY_MAX_AGE_HOURS', 24, 1, 24 * 365),
    allowPrivateDestinations: booleanOf(env, 'OKR_WEBHOOK_ALLOW_PRIVATE', true),
  };
  if (settings.leaseSeconds * 1000 <= settings.timeoutMs) {
    throw new Error(
      `OKR_DELIVERY_LEASE_SECONDS (${settings.leaseSeconds}) must be longer than OKR_WEBHOOK_TIMEOUT_MS (${settings.timeoutMs} ms)`,
    );
  }
  return settings;
}

/** The service's clock, injectable so tests (and the reminder "run at" endpoint) control `now`. */
export const NOTIFICATIONS_CLOCK = Symbol('NOTIFICATIONS_CLOCK');
export { systemClock, type Clock } from '@okr/platform';
