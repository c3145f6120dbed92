import { HttpStatus } from '@nestjs/common';
import { Problem, ValidationProblem, effectiveRoles, type Principal } from '@okr/platform';
import { checkDestination, resolveHost, type DestinationRefusal, type LookupAll } from '../channels/destination-guard';

/**
 * Whether the caller reads the whole tenant's delivery log (admins and auditors) rather than only the
 * deliveries addressed to them. Who may call a route at all is its `@Permission()`.
 */
export const seesTenantLog = (principal: Principal): boolean => {
  const roles = effectiveRoles(principal);
  return roles.has('admin') || roles.has('auditor');
};

/**
 * 404 `{what}-not-found`. The sentence is for people: it names the thing, never its id (the id, when
 * there is one, goes in `details` for programs).
 */
export const notFound = (what: string, detail: string, details?: Record<string, unknown>): Problem =>
  new Problem({ status: HttpStatus.NOT_FOUND, code: `${what}-not-found`, title: 'Not Found', detail, ...(details ? { details } : {}) });

/** `https://hooks.slack.com/services/T0/B0/xyz` -> `https://hooks.slack.com/…` : secret URLs are never shown whole. */
export const maskUrl = (url: string): string => {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}/…`;
  } catch {
    return '…';
  }
};

/** How long registering a URL waits for its host name to resolve. */
const REGISTRATION_LOOKUP_TIMEOUT_MS = 5000;

/**
 * The destination guard at registration (`OKR_WEBHOOK_ALLOW_PRIVATE=false`): a 400 naming `field`
 * when the URL leads to a private address or its host name does not resolve. The message never
 * quotes the URL (a chat URL is a secret) nor what the name resolved to.
 */
export async function requireAllowedDestination(
  url: string,
  field: string,
  options: { allowPrivate: boolean; lookup?: LookupAll },
): Promise<void> {
  const check = await checkDestination(url, { ...options, timeoutMs: REGISTRATION_LOOKUP_TIMEOUT_MS });
  if (check.ok) return;
  throw new ValidationProblem([{ field, message: refusalMessage('url', check.code) }]);
}

/** {@link requireAllowedDestination} for a bare host name or address, such as an SMTP server's. */
export async function requireAllowedHost(host: string, field: string, options: { allowPrivate: boolean; lookup?: LookupAll }): Promise<void> {
  const check = await resolveHost(host, { ...options, timeoutMs: REGISTRATION_LOOKUP_TIMEOUT_MS });
  if (check.ok) return;
  throw new ValidationProblem([{ field, message: refusalMessage(field, check.code) }]);
}

const refusalMessage = (what: string, code: DestinationRefusal): string =>
  ({
    private: `${what} must lead to a public address: private, loopback, link-local and other reserved addresses are refused`,
    unresolvable: `${what}'s host name could not be resolved`,
    invalid: what === 'url' ? 'url must be an http(s) URL' : `${what} must be a host name or an IP address`,
  })[code];
