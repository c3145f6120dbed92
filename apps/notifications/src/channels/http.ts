import { oneLine, redact } from './format';
import type { SendOutcome } from './types';

/** The User-Agent of every outgoing request. */
export const USER_AGENT = 'okr-notifications/1';

/** Characters of the response body kept as the outcome's detail or error. */
export const RESPONSE_SNIPPET_CHARS = 512;
/** Bytes of a response body read (and discarded) before the rest is cancelled. */
const MAX_DRAIN_BYTES = 64 * 1024;

export interface JsonPost {
  url: string;
  /** The exact bytes sent (already serialised JSON). */
  body: string;
  /** Extra headers; `Content-Type: application/json` and the User-Agent are always set. */
  headers?: Record<string, string>;
  /** For the whole attempt: connecting, sending, the response headers. */
  timeoutMs: number;
  /** Strings that must never appear in an outcome (signing secrets, secret URLs). */
  secrets?: readonly string[];
}

/**
 * One POST, no retries, no redirects followed, mapped to a {@link SendOutcome}: 2xx delivered;
 * 408, 429 and 5xx, timeouts and connection errors retry; anything else (3xx, other 4xx, a URL or
 * request that cannot be built) rejects. The response body is read up to a bound and discarded;
 * its first characters become the outcome's detail or error. The URL never appears in an outcome
 * (chat webhooks authenticate by their URL), nor does any of `secrets`.
 */
export async function postJson(post: JsonPost): Promise<SendOutcome> {
  const secrets = [...(post.secrets ?? []), post.url];
  const clean = (text: string) => oneLine(redact(text, secrets), RESPONSE_SNIPPET_CHARS);

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

  const signal = AbortSignal.timeout(post.timeoutMs);
  let request: Request;
  try {
    request = new Request(target, {
      method: 'POST',
      headers: { ...post.headers, 'Content-Type': 'application/json', 'User-Agent': USER_AGENT },
      body: post.body,
      redirect: 'manual',
      signal,
    });
  } catch (error) {
    return { kind: 'reject', error: clean(`invalid request: ${errorText(error)}`) };
  }

  let response: Response;
  try {
    response = await fetch(request);
  } catch (error) {
    if (signal.aborted) return { kind: 'retry', error: `timed out after ${post.timeoutMs} ms without a response` };
    return { kind: 'retry', error: clean(`request failed: ${networkErrorText(error)}`) };
  }

  const snippet = redact(await readSnippet(response), secrets);
  return outcomeOfResponse(response.status, response.statusText, snippet, response.headers.get('retry-after'));
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

/** The first characters of the body; the rest is read up to a bound, then the stream is cancelled. */
async function readSnippet(response: Response): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let bytes = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.byteLength;
      if (text.length < RESPONSE_SNIPPET_CHARS * 2) text += decoder.decode(value, { stream: true });
      if (bytes >= MAX_DRAIN_BYTES) break;
    }
  } catch {
    // A timeout or a reset while reading the body: the status already decided the outcome.
  } finally {
    reader.cancel().catch(() => undefined);
  }
  return text;
}

/** Duck-typed: errors from undici may come from another realm (Jest's VM contexts), where `instanceof Error` fails. */
interface ErrorLike {
  message?: unknown;
  code?: unknown;
  cause?: unknown;
  errors?: unknown;
}
const asErrorLike = (value: unknown): ErrorLike | undefined => (typeof value === 'object' && value !== null ? (value as ErrorLike) : undefined);
const messageOf = (value: unknown): string | undefined => {
  const message = asErrorLike(value)?.message;
  return typeof message === 'string' && message ? message : undefined;
};

const errorText = (error: unknown): string => messageOf(error) ?? String(error);

/** undici reports `TypeError: fetch failed` with the socket error (or an AggregateError of them) as its cause. */
function networkErrorText(error: unknown): string {
  const cause = asErrorLike(asErrorLike(error)?.cause);
  if (!cause) return errorText(error);
  const nested = Array.isArray(cause.errors) ? messageOf(cause.errors[0]) : undefined;
  const code = typeof cause.code === 'string' ? cause.code : undefined;
  return messageOf(cause) ?? nested ?? code ?? errorText(error);
}
