import { decodeJwt } from 'jose';
import { parseArgs } from 'node:util';
import { issueEmbeddedToken } from './embedded-token';

/** Usage of `npm run token`. */
export const TOKEN_CLI_USAGE = [
  'Usage: npm run token -- --tenant <tenant> --user <user> [--roles a,b] [--teams x,y] [--expires-in 8h]',
  'Signs a bearer token with the embedded key of OKR_DATA_DIR (default ./data) and prints it.',
].join('\n');

/** Bad command line; the message ends with the usage. */
export class TokenCliUsageError extends Error {
  constructor(problem: string) {
    super(`${problem}\n${TOKEN_CLI_USAGE}`);
    this.name = 'TokenCliUsageError';
  }
}

export interface TokenCliArgs {
  tenant: string;
  user: string;
  roles: string[];
  teams: string[];
  expiresIn: string;
}

/**
 * Parses `--tenant acme --user alice --roles admin,lead --teams growth`. List options take
 * comma-separated values and may be repeated.
 * @throws TokenCliUsageError for unknown options or a missing tenant or user.
 */
export function parseTokenArgs(argv: readonly string[]): TokenCliArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        tenant: { type: 'string' },
        user: { type: 'string' },
        roles: { type: 'string', multiple: true },
        teams: { type: 'string', multiple: true },
        'expires-in': { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new TokenCliUsageError((error as Error).message);
  }
  const tenant = values.tenant?.trim();
  const user = values.user?.trim();
  if (!tenant) throw new TokenCliUsageError('--tenant is required');
  if (!user) throw new TokenCliUsageError('--user is required');
  return { tenant, user, roles: list(values.roles), teams: list(values.teams), expiresIn: values['expires-in'] ?? '8h' };
}

/** `npm run token`: parses the arguments and returns a token for the data folder of `env`. */
export async function runTokenCli(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): Promise<string> {
  const args = parseTokenArgs(argv);
  const token = await issueEmbeddedToken({
    dataDir: env['OKR_DATA_DIR']?.trim() || './data',
    tenantClaim: env['OKR_TENANT_CLAIM']?.trim() || 'tenant',
    rolesClaim: env['OKR_ROLES_CLAIM']?.trim() || 'roles',
    teamsClaim: env['OKR_TEAMS_CLAIM']?.trim() || 'teams',
    tenant: args.tenant,
    user: args.user,
    roles: args.roles,
    teams: args.teams,
    expiresIn: args.expiresIn,
  });
  // The services refuse a token that lives longer than their maximum: say so here, not with a 401 later.
  const maxSeconds = Number(env['OKR_TOKEN_MAX_LIFETIME_SECONDS']?.trim() || DEFAULT_TOKEN_MAX_LIFETIME_SECONDS);
  const { iat, exp } = decodeJwt(token);
  if (iat !== undefined && exp !== undefined && Number.isFinite(maxSeconds) && exp - iat > maxSeconds) {
    throw new TokenCliUsageError(
      `--expires-in ${args.expiresIn} is longer than OKR_TOKEN_MAX_LIFETIME_SECONDS (${maxSeconds} s): the services would refuse the token.`,
    );
  }
  return token;
}

/** The services' default for OKR_TOKEN_MAX_LIFETIME_SECONDS (24 h). */
const DEFAULT_TOKEN_MAX_LIFETIME_SECONDS = 24 * 60 * 60;

const list = (values: readonly string[] | undefined): string[] =>
  (values ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
