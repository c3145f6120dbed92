import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import type { PinnedAddress } from './http';

/**
 * The guard against private destinations (SSRF): with `OKR_WEBHOOK_ALLOW_PRIVATE=false` a webhook or
 * chat URL, or a tenant's SMTP server, must not lead to the service's own network: loopback, private ranges, link-local (cloud
 * metadata at 169.254.169.254), CGNAT, multicast, reserved and documentation ranges, IPv6 unique-local
 * and link-local, nor any of those reached through an IPv4-mapped or NAT64 IPv6 address.
 */

/** IPv4 ranges that are not a public destination (IANA special-purpose registry). */
const PRIVATE_IPV4: readonly (readonly [network: string, prefix: number])[] = [
  ['0.0.0.0', 8], // "this network", 0.0.0.0 unspecified
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // shared address space (CGNAT)
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, cloud metadata
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation (TEST-NET-1)
  ['192.88.99.0', 24], // 6to4 relay anycast (deprecated)
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation (TEST-NET-2)
  ['203.0.113.0', 24], // documentation (TEST-NET-3)
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, 255.255.255.255 broadcast
];

/** Within IPv6 global unicast (2000::/3), the ranges that are still not a public destination. */
const NON_PUBLIC_IPV6_GLOBAL: readonly (readonly [network: string, prefix: number])[] = [
  ['2001::', 23], // IETF protocol assignments (Teredo, ORCHID, benchmarking…)
  ['2001:db8::', 32], // documentation
  ['2002::', 16], // 6to4: tunnels to an embedded IPv4 address
  ['3fff::', 20], // documentation
];

/** IPv6 prefixes that carry an IPv4 address in their last 32 bits: the IPv4 address decides. */
const IPV4_IN_IPV6 = ['::ffff:0.0.0.0', '64:ff9b::0.0.0.0'] as const;

const refused = new BlockList();
for (const [network, prefix] of PRIVATE_IPV4) {
  refused.addSubnet(network, prefix, 'ipv4');
  for (const embedding of IPV4_IN_IPV6) refused.addSubnet(embedding.replace('0.0.0.0', network), 96 + prefix, 'ipv6');
}
for (const [network, prefix] of NON_PUBLIC_IPV6_GLOBAL) refused.addSubnet(network, prefix, 'ipv6');

const embedsIpv4 = new BlockList();
for (const embedding of IPV4_IN_IPV6) embedsIpv4.addSubnet(embedding, 96, 'ipv6');

const globalUnicast = new BlockList();
globalUnicast.addSubnet('2000::', 3, 'ipv6');

/**
 * Whether an IP address is no public destination: loopback, unspecified, private, CGNAT, link-local,
 * multicast, reserved, documentation; for IPv6 anything outside global unicast 2000::/3 (so ::1, ::,
 * fc00::/7, fe80::/10, ff00::/8…) and the special ranges inside it; IPv4-mapped (::ffff:a.b.c.d) and
 * NAT64 (64:ff9b::a.b.c.d) addresses by their IPv4 address. Accepts `[…]` brackets and a `%zone`.
 * Anything that is not an IP address counts as private: it is never a safe destination.
 */
export function isPrivateAddress(ip: string): boolean {
  const address = ip.trim().replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, '');
  switch (isIP(address)) {
    case 4:
      return refused.check(address, 'ipv4');
    case 6:
      if (embedsIpv4.check(address, 'ipv6')) return refused.check(address, 'ipv6');
      return !globalUnicast.check(address, 'ipv6') || refused.check(address, 'ipv6');
    default:
      return true;
  }
}

/** `dns.promises.lookup(host, { all: true })`, or a stand-in for tests. */
export type LookupAll = (hostname: string, options: { all: true }) => Promise<readonly { address: string; family: number }[]>;

export interface DestinationCheckOptions {
  /** `OKR_WEBHOOK_ALLOW_PRIVATE`: when true every http(s) URL passes, unresolved. */
  allowPrivate: boolean;
  /** Defaults to `dns.promises.lookup`. */
  lookup?: LookupAll;
  /** How long name resolution may take before the host counts as unresolvable (default 5000). */
  timeoutMs?: number;
}

/**
 * Why a destination was refused: `private` (an address of it is private: never retry), `unresolvable`
 * (no address now: DNS may answer later), `invalid` (not an http(s) URL).
 */
export type DestinationRefusal = 'private' | 'unresolvable' | 'invalid';

export type DestinationCheck = { ok: true } | DestinationRefused;

export interface DestinationRefused {
  ok: false;
  code: DestinationRefusal;
  reason: string;
}

/**
 * A {@link checkDestination} that also says where to connect: `pinned` is what was checked and
 * approved (every address the name resolved to, or the IP literal itself); absent when private
 * destinations are allowed (nothing was checked, the HTTP client resolves the name itself).
 */
export type DestinationResolution = { ok: true; pinned?: PinnedAddress[] } | DestinationRefused;

/** The reason of a `private` refusal, also the dispatcher's `reject` outcome. */
export const PRIVATE_DESTINATION = 'destination is a private address';

const DEFAULT_LOOKUP_TIMEOUT_MS = 5000;

/**
 * Whether `url` may be called: with `allowPrivate` always; otherwise an IP-literal host must not be
 * private and a host name must resolve, with none of its addresses private (any one would do: the
 * HTTP client may pick it). Reasons never quote the URL's path or query (chat URLs are secrets) nor
 * the addresses a name resolved to (no map of the internal DNS for whoever registers URLs).
 *
 * This answers for now only: DNS can change before a request connects (rebinding, TTL 0). A request
 * must connect to the addresses that were checked: see {@link resolveDestination}, whose `pinned`
 * addresses `postJson` connects to without resolving the name again.
 */
export async function checkDestination(url: string, options: DestinationCheckOptions): Promise<DestinationCheck> {
  const resolution = await resolveDestination(url, options);
  return resolution.ok ? { ok: true } : resolution;
}

/**
 * {@link checkDestination}, returning the approved addresses to connect to (see
 * {@link DestinationResolution}): the dispatcher passes them to the send as `pinned`, so a name that
 * resolves elsewhere when the request connects (DNS rebinding) does not matter.
 */
export async function resolveDestination(url: string, options: DestinationCheckOptions): Promise<DestinationResolution> {
  if (options.allowPrivate) return { ok: true };
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return { ok: false, code: 'invalid', reason: 'invalid URL' };
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    return { ok: false, code: 'invalid', reason: 'unsupported URL scheme, expected http or https' };
  }
  // WHATWG URL parsing already turned 0x7f.1, 2130706433 and the like into dotted quads.
  return resolveHost(target.hostname, options);
}

/**
 * {@link resolveDestination} for a bare host (an SMTP server's): an IP literal must not be private, a
 * name must resolve to public addresses only; the approved addresses come back as `pinned`. With
 * `allowPrivate` nothing is checked. A host that is neither a name nor an address is `invalid`.
 */
export async function resolveHost(hostname: string, options: DestinationCheckOptions): Promise<DestinationResolution> {
  if (options.allowPrivate) return { ok: true };
  const host = hostname.trim().replace(/^\[(.*)\]$/, '$1');
  const literal = isIP(host);
  if (literal === 4 || literal === 6) {
    return isPrivateAddress(host) ? { ok: false, code: 'private', reason: PRIVATE_DESTINATION } : { ok: true, pinned: [{ address: host, family: literal }] };
  }
  // Names as URLs take them: what the WHATWG parser would not accept as a host is no destination
  // (and an SMTP host such as `0x7f.1` is normalised the same way before it is checked).
  let normalised: string;
  try {
    normalised = new URL(`http://${host}/`).hostname.replace(/^\[(.*)\]$/, '$1');
  } catch {
    return { ok: false, code: 'invalid', reason: 'invalid host name' };
  }
  if (normalised !== host.toLowerCase()) return resolveHost(normalised, options);

  const lookup = options.lookup ?? ((name: string, o: { all: true }) => dnsLookup(name, o));
  let addresses: readonly { address: string }[];
  try {
    addresses = await withTimeout(lookup(host, { all: true }), options.timeoutMs ?? DEFAULT_LOOKUP_TIMEOUT_MS);
  } catch (error) {
    return { ok: false, code: 'unresolvable', reason: `the destination's host name could not be resolved${codeOf(error)}` };
  }
  if (addresses.length === 0) return { ok: false, code: 'unresolvable', reason: "the destination's host name could not be resolved" };
  if (addresses.some(({ address }) => isPrivateAddress(address))) return { ok: false, code: 'private', reason: PRIVATE_DESTINATION };
  // Not private means a valid IPv4 or IPv6 address (isPrivateAddress counts anything else as private);
  // the family is taken from the address itself, not from what the resolver said.
  const pinned: PinnedAddress[] = [];
  for (const { address } of addresses) {
    const family = isIP(address);
    if ((family === 4 || family === 6) && !pinned.some((p) => p.address === address)) pinned.push({ address, family });
  }
  return { ok: true, pinned };
}

class LookupTimeout extends Error {
  readonly code = 'timeout';
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new LookupTimeout()), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** ` (ENOTFOUND)`: a DNS error code only, never a message (which may quote the host name). */
function codeOf(error: unknown): string {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && /^[A-Za-z_]{1,32}$/.test(code) ? ` (${code})` : '';
}
