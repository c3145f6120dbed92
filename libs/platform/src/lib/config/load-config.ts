import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { PlatformConfig } from './platform-config';

/**
 * The configuration cannot run the service. `message` is one line naming each bad setting and what to
 * set, e.g. `Invalid configuration: EVENTSTORE_URL must be set when OKR_EVENT_STORE=kurrentdb`.
 */
export class ConfigError extends Error {
  constructor(
    message: string,
    /** The settings at fault, in the order they are named in the message. */
    readonly settings: readonly string[],
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Values a service supplies when the environment has none, such as its own `PORT`. */
export type ConfigDefaults = Readonly<Record<string, string | number | boolean | undefined>>;

/** Constraints whose failing value is safe and useful to repeat (never a URL: it may hold a password). */
const ECHOED = new Set(['isIn', 'isInt', 'min', 'max', 'isBoolean']);
const PREFERRED = ['isDefined', 'isNotEmpty'];

/**
 * Reads and validates the service configuration from environment variables. Empty variables count as
 * unset; `defaults` fill what the environment leaves unset (before the schema's own defaults).
 *
 * @returns the configuration, frozen.
 * @throws ConfigError naming every invalid setting, on one line.
 */
export function loadConfig<T extends object = PlatformConfig>(
  env: Readonly<Record<string, string | undefined>>,
  defaults: ConfigDefaults = {},
  schema: ClassConstructor<T> = PlatformConfig as unknown as ClassConstructor<T>,
): Readonly<T> {
  const raw: Record<string, string> = {};
  for (const [key, value] of Object.entries(defaults)) if (value !== undefined) raw[key] = String(value);
  for (const [key, value] of Object.entries(env)) if (value !== undefined && value.trim() !== '') raw[key] = value.trim();

  const config = plainToInstance(schema, raw, { excludeExtraneousValues: true, exposeDefaultValues: true });
  const errors = validateSync(config, { validationError: { target: false } });
  if (errors.length > 0) {
    const problems = errors.map((e) => describe(e, raw[e.property]));
    throw new ConfigError(
      `Invalid configuration: ${problems.join('; ')}`,
      errors.map((e) => e.property),
    );
  }
  for (const value of Object.values(config)) if (Array.isArray(value)) Object.freeze(value);
  return Object.freeze(config);
}

function describe(error: ValidationError, rawValue: string | undefined): string {
  const constraints = error.constraints ?? {};
  const name = PREFERRED.find((c) => c in constraints) ?? Object.keys(constraints)[0];
  if (name === undefined) return `${error.property} is invalid`;
  const message = constraints[name] ?? `${error.property} is invalid`;
  return ECHOED.has(name) && rawValue !== undefined ? `${message} (got ${JSON.stringify(shorten(rawValue))})` : message;
}

const shorten = (value: string): string => (value.length > 40 ? `${value.slice(0, 37)}...` : value);
