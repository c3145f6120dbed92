import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest, type RequestOptions } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { activeTraceparent } from '@okr/platform';
import { oneLine, withholdIfSecret } from './format';
import type { SendOutcome } from './types';

/** The User-Agent of every outgoing request. */
export const USER_AGENT = 'okr-notifications/1';

/** Characters of the response body kept as the outcome's detail or error. */
export const RESPONSE_SNIPPET_CHARS = 512;
/** Bytes of a response body read (and discarded) before the connection is closed. */
const MAX_DRAIN_BYTES = 64 * 1024;

/** An address the destination guard approved for the URL's host: the request connects to it and to no other. */
export interface PinnedAddress {
  address: string;
  family: 4 | 6;
}

export interface JsonPost {
  url: string;
  /** The exact bytes sent (already serialised JSON). */
  body: string;
  /** Extra headers; `Content-Type: application/json` and the User-Agent are always set. */
  headers?: Record<string, string>;
  /** For the whole attempt: resolving, connecting, sending, the response headers (and the bounded body read). */
  timeoutMs: number;
  /** Strings that must never appear in an outcome (signing secrets, secret URLs). */
  secrets?: readonly string[];
  /**
   * The addresses to connect to instead of resolving the host name again (DNS rebinding): the ones
   * the destination guard checked. The host name still goes in the Host header, the TLS SNI and the
   * certificate check. Without it the host name is resolved as usual. An empty list connects nowhere.
   */
  pinned?: readonly PinnedAddress[];
}

/**
 * One POST, no retries, no redirects followed, mapped to a {@link SendOutcome}: 2xx delivered;
 * 408, 429 and 5xx, timeouts and connection errors retry; anything else (3xx, other 4xx, a URL or
 * request that cannot be built) rejects. The response body is read up to a bound and discarded;
 * its first characters become the outcome's detail or error. The URL never appears in an outcome
 * (chat webhooks authenticate by their URL), nor does any of `secrets`. Inside a span, the request
 * carries its W3C `traceparent`.
 *
 * Sent with `node:http` / `node:https` (not fetch, whose connection pool and resolver cannot be told
 * which address to use), one connection per request, never reused: with `pinned` its custom lookup
 * hands out only the pinned addresses.
 */
export async function postJson(post: JsonPost): Promise<SendOutcome> {
  const secrets = [...(post.secrets ?? []), post.url];
  const clean = (text: string) => oneLine(withholdIfSecret(text, secrets), RESPONSE_SNIPPET_CHARS);

  let target: URL;
  try {
    target = new URL(post.url);
  } catch {
    return { kind: 'reject', error: 'invalid URL' };
  }
  if (target.protocol !== 'https:' && target.protocol !== 'http:') {
    return { kind: 'reject', error: `unsupported URL scheme ${target.protocol.replace(/[^a-z0-9+.-]/gi, '')}, expected http or https` };
  }
  secrets.push(target.href);
  // A chat webhook's secret is its path; a bare "/" is no secret (and would mangle every message).
  if (target.pathname.length > 1 || target.search) secrets.push(target.pathname + target.search);
  if (target.username || target.password) {
    return { kind: 'reject', error: 'the URL must not carry credentials' };
  }

  // The attempt's span (the dispatcher runs each attempt as the active span): a traced receiver
  // continues the delivery's trace. Outside a span (tracing off) none is invented.
  const traceparent = activeTraceparent();
  const headers = {
    ...post.headers,
    ...(traceparent ? { traceparent } : {}),
    'Content-Type': 'application/json',
    'User-Agent': USER_AGENT,
    'Content-Length': String(Buffer.byteLength(post.body)),
  };
  const options = requestOptionsOf(target, headers, post.pinned);
  const result = await exchange(target.protocol, options, post.body, post.timeoutMs);
  switch (result.kind) {
    case 'invalid':
      return { kind: 'reject', error: clean(`invalid request: ${errorText(result.error)}`) };
    case 'timeout':
      return { kind: 'retry', error: `timed out after ${post.timeoutMs} ms without a response` };
    case 'failed':
      return { kind: 'retry', error: clean(`request failed: ${networkErrorText(result.error)}`) };
    case 'response':
      return outcomeOfResponse(result.status, result.statusText, withholdIfSecret(result.snippet, secrets), result.retryAfter);
  }
}

/**
 * The `node:http(s)` request options of a POST to `target`: no agent (a fresh connection, never
 * pooled, so never one opened for another address), the URL's host in the Host header and, for
 * https to a host name, as the TLS servername (SNI and the certificate check); with `pinned`, a
 * lookup that answers only those addresses. Exported for tests.
 */
export function requestOptionsOf(target: URL, headers: Record<string, string>, pinned?: readonly PinnedAddress[]): RequestOptions {
  const hostname = target.hostname.replace(/^\[(.*)\]$/, '$1');
  const options: RequestOptions = {
    method: 'POST',
    protocol: target.protocol,
    hostname,
    ...(target.port ? { port: Number(target.port) } : {}),
    path: `${target.pathname}${target.search}`,
    // The URL's host, with the port unless it is the scheme's default, as fetch sends it.
    headers: { ...headers, Host: target.host },
    agent: false,
  };
  // SNI carries host names only (RFC 6066); an IP-literal URL is verified against the IP itself.
  if (target.protocol === 'https:' && !isIP(hostname)) options.servername = hostname;
  if (pinned) options.lookup = pinnedLookup(hostname, pinned);
  return options;
}

/**
 * A `lookup` for `net.connect` that never asks DNS: `host` resolves to the `pinned` addresses (of the
 * family asked for, all of them when `all` is set, as Node's happy-eyeballs connect asks), any other
 * name to nothing.
 */
export function pinnedLookup(host: string, pinned: readonly PinnedAddress[]): LookupFunction {
  const usable = pinned.filter(({ address, family }) => isIP(address) === family).map(({ address, family }) => ({ address, family }));
  return (hostname, options, callback) => {
    const wanted = options.family === 4 || options.family === 'IPv4' ? 4 : options.family === 6 || options.family === 'IPv6' ? 6 : 0;
    const addresses = hostname === host ? usable.filter(({ family }) => wanted === 0 || family === wanted) : [];
    const [first] = addresses;
    if (!first) {
      const error: NodeJS.ErrnoException = Object.assign(new Error('no approved address to connect to'), { code: 'ENOTFOUND' });
      process.nextTick(() => callback(error, '', 0));
    } else if (options.all) {
      process.nextTick(() => callback(null, addresses));
    } else {
      process.nextTick(() => callback(null, first.address, first.family));
    }
  };
}

type Exchange =
  | { kind: 'response'; status: number; statusText: string; snippet: string; retryAfter: string | undefined }
  /** The request could not be built (a header value with a line break…): nothing was sent. */
  | { kind: 'invalid'; error: unknown }
  /** No response headers within the timeout. */
  | { kind: 'timeout' }
  /** Resolving, connecting or sending failed, or the connection closed before a response. */
  | { kind: 'failed'; error: unknown };

/**
 * Sends the request and reads the response: its status and the first characters of its body. The
 * body is read up to {@link MAX_DRAIN_BYTES} or until the timeout, whichever comes first, then the
 * connection is closed: the status already decided the outcome.
 */
function exchange(protocol: string, options: RequestOptions, body: string, timeoutMs: number): Promise<Exchange> {
  return new Promise<Exchange>((resolve) => {
    let settled = false;
    let request: ClientRequest | undefined;
    let response: IncomingMessage | undefined;
    let endBody: (() => void) | undefined;
    const settle = (result: Exchange) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
      request?.destroy();
    };
    const timer = setTimeout(() => {
      if (!response) settle({ kind: 'timeout' });
      else endBody?.();
    }, timeoutMs);

    try {
      request = (protocol === 'https:' ? httpsRequest : httpRequest)(options);
    } catch (error) {
      // Header names and values are checked as the request is built, before any connection.
      settle({ kind: 'invalid', error });
      return;
    }
    request.on('error', (error) => {
      if (endBody) endBody();
      else settle({ kind: 'failed', error });
    });
    request.on('response', (res) => {
      response = res;
      const decoder = new TextDecoder();
      let text = '';
      let bytes = 0;
      endBody = () =>
        settle({
          kind: 'response',
          status: res.statusCode ?? 0,
          statusText: res.statusMessage ?? '',
          snippet: text,
          retryAfter: typeof res.headers['retry-after'] === 'string' ? res.headers['retry-after'] : undefined,
        });
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.byteLength;
        if (text.length < RESPONSE_SNIPPET_CHARS * 2) text += decoder.decode(chunk, { stream: true });
        if (bytes >= MAX_DRAIN_BYTES) endBody?.();
      });
      // A reset or a timeout while reading the body ends it too: the status already decided.
      res.on('end', () => endBody?.());
      res.on('error', () => endBody?.());
      res.on('close', () => endBody?.());
    });
    request.end(body);
  });
}

/** The outcome of an HTTP answer, see {@link postJson}; `snippet` is the start of the response body. */
export function outcomeOfResponse(status: number, statusText = '', snippet = '', retryAfter?: string | null): SendOutcome {
  const line = `HTTP ${status}${statusText ? ` ${statusText}` : ''}`;
  const bounded = (text: string) => oneLine(text, RESPONSE_SNIPPET_CHARS);
  if (status >= 200 && status < 300) {
    const detail = bounded(snippet);
    return detail ? { kind: 'delivered', statusCode: status, detail } : { kind: 'delivered', statusCode: status };
  }
  if (status >= 300 && status < 400) {
    return { kind: 'reject', statusCode: status, error: `${line}: redirects are not followed, configure the final URL` };
  }
  const error = bounded(`${line}${retryAfter ? ` (Retry-After: ${oneLine(retryAfter, 64)})` : ''}${snippet.trim() ? `: ${snippet}` : ''}`);
  if (status === 408 || status === 429 || status >= 500) return { kind: 'retry', statusCode: status, error };
  return { kind: 'reject', statusCode: status, error };
}

/** Duck-typed: errors from Node's own modules come from another realm under Jest's VM contexts, where `instanceof Error` fails. */
interface ErrorLike {
  message?: unknown;
  code?: unknown;
  errors?: unknown;
}
const asErrorLike = (value: unknown): ErrorLike | undefined => (typeof value === 'object' && value !== null ? (value as ErrorLike) : undefined);
const messageOf = (value: unknown): string | undefined => {
  const message = asErrorLike(value)?.message;
  return typeof message === 'string' && message ? message : undefined;
};

const errorText = (error: unknown): string => messageOf(error) ?? String(error);

/**
 * A socket error's message (`connect ECONNREFUSED 127.0.0.1:8080`); for an AggregateError (every
 * address of a happy-eyeballs connect failed) the first one's; else its code.
 */
function networkErrorText(error: unknown): string {
  const failed = asErrorLike(error);
  const nested = Array.isArray(failed?.errors) ? messageOf(failed.errors[0]) : undefined;
  const code = typeof failed?.code === 'string' ? failed.code : undefined;
  return messageOf(error) ?? nested ?? code ?? errorText(error);
}
