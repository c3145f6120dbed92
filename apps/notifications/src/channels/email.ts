import { createHash } from 'node:crypto';
import { createTransport, type NodemailerError, type SMTPPoolSentMessageInfo, type Transporter } from 'nodemailer';
import { isIP } from 'node:net';
import { escapeHtml, linesOf, oneLine, paragraphsOf, withholdIfSecret } from './format';
import type { PinnedAddress } from './http';
import type { OutgoingNotification, SendOutcome } from './types';

/** Where and as whom mail is sent. */
export interface SmtpSettings {
  host: string;
  port: number;
  /** TLS from the first byte (usually port 465); otherwise STARTTLS is used when the server offers it. */
  secure: boolean;
  username?: string;
  password?: string;
  /** The From header, e.g. `OKR <okr@example.com>`. */
  from: string;
}

/**
 * `smtp://user:pass@host:port` (port 587 when absent) or `smtps://user:pass@host:port` (TLS from the
 * start, port 465 when absent); user and password are percent-decoded. Throws without echoing the
 * URL, which holds a password.
 */
export function smtpSettingsFromUrl(url: string, from: string): SmtpSettings {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error('invalid SMTP URL: expected smtp://user:pass@host:port or smtps://…');
  }
  if (parsed.protocol !== 'smtp:' && parsed.protocol !== 'smtps:') {
    throw new Error('invalid SMTP URL: the scheme must be smtp or smtps');
  }
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!host) throw new Error('invalid SMTP URL: no host');
  const secure = parsed.protocol === 'smtps:';
  let username: string | undefined;
  let password: string | undefined;
  try {
    username = parsed.username ? decodeURIComponent(parsed.username) : undefined;
    password = parsed.password ? decodeURIComponent(parsed.password) : undefined;
  } catch {
    throw new Error('invalid SMTP URL: the user or password is not validly percent-encoded');
  }
  return {
    host,
    port: parsed.port ? Number(parsed.port) : secure ? 465 : 587,
    secure,
    ...(username !== undefined ? { username } : {}),
    ...(password !== undefined ? { password } : {}),
    from,
  };
}

/** `<{deliveryId}@okr-notifications>`: the same on every retry, so mail clients can drop duplicates. */
export function messageIdOf(deliveryId: string): string {
  return `<${deliveryId.replace(/[^A-Za-z0-9._-]/g, '-')}@okr-notifications>`;
}

/** A single mailbox, `local@domain`, nothing a header or an SMTP command could trip on. */
const ADDRESS = /^[^\s@<>(),;:"\\[\]]+@[^\s@<>(),;:"\\[\]]+$/;

export interface EmailContent {
  subject: string;
  text: string;
  html: string;
}

/** The plain-text and HTML renderings of a notification; digest entries become a list. */
export function emailContent(n: OutgoingNotification): EmailContent {
  const items = n.items ?? [];
  const footer = `OKR notifications · ${n.rule}`;

  const text: string[] = [];
  if (n.body.trim()) text.push(linesOf(n.body.trim()).join('\n'), '');
  for (const item of items) {
    text.push(`- ${item.subject}`);
    for (const line of linesOf(item.body.trim())) if (line.trim()) text.push(`  ${line}`);
    text.push('');
  }
  text.push('-- ', footer, '');

  const paragraphs = (body: string, style: string) =>
    paragraphsOf(body)
      .map((lines) => `<p style="${style}">${lines.map(escapeHtml).join('<br>\n')}</p>`)
      .join('\n');
  const list = items.length
    ? `<ul style="padding-left:20px;margin:16px 0;">\n${items
        .map(
          (item) =>
            `<li style="margin:0 0 12px;"><strong>${escapeHtml(item.subject)}</strong>${
              item.body.trim() ? `\n${paragraphs(item.body, 'margin:4px 0 0;line-height:1.5;')}` : ''
            }</li>`,
        )
        .join('\n')}\n</ul>`
    : '';
  const html = [
    '<!DOCTYPE html>',
    '<html>',
    `<head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(n.subject)}</title></head>`,
    '<body style="margin:0;padding:24px;background:#f4f5f7;color:#1f2328;font-family:-apple-system,\'Segoe UI\',Roboto,Helvetica,Arial,sans-serif;font-size:15px;">',
    '<div style="max-width:600px;margin:0 auto;background:#ffffff;border-radius:8px;padding:24px;">',
    `<h1 style="font-size:19px;margin:0 0 16px;">${escapeHtml(n.subject)}</h1>`,
    paragraphs(n.body, 'margin:0 0 12px;line-height:1.5;'),
    list,
    `<p style="margin:24px 0 0;font-size:12px;color:#656d76;">${escapeHtml(footer)}</p>`,
    '</div>',
    '</body>',
    '</html>',
    '',
  ]
    .filter((line) => line !== '')
    .join('\n');

  return { subject: n.subject, text: text.join('\n'), html };
}

export interface EmailSenderOptions {
  /** Connecting, in ms; default 10 s. */
  connectionTimeoutMs?: number;
  /** Waiting for the server's greeting, in ms; default 10 s. */
  greetingTimeoutMs?: number;
  /** Inactivity on the socket, in ms; default 10 s. */
  socketTimeoutMs?: number;
  /** The whole attempt, in ms, queueing in the pool included; default 30 s (keep it below the delivery lease). */
  sendTimeoutMs?: number;
  /** Open connections per distinct settings; default 2. */
  maxConnections?: number;
  /** Optional diagnostics (a transport created, a transport error); never given a credential. */
  log?: (message: string) => void;
}

export interface SendEmail {
  smtp: SmtpSettings;
  /** One address, `local@domain`. */
  to: string;
  notification: OutgoingNotification;
  /**
   * The addresses the destination guard approved for `smtp.host`: the transport connects to the
   * first of them and never resolves the name again (DNS rebinding); the name stays the TLS
   * servername. Without it the host is resolved as usual.
   */
  pinned?: readonly PinnedAddress[];
}

type PoolTransport = Transporter<SMTPPoolSentMessageInfo>;

/** Reply codes of SMTP: 5yz is permanent, except 503 (bad sequence of commands), which a new session may not get. */
const isPermanentReply = (code: number) => code >= 500 && code < 600 && code !== 503;
/** Errors without a reply code that the same message would get again. */
const PERMANENT_ERROR_CODES = new Set(['EENVELOPE', 'ECONFIG', 'ENOAUTH', 'EREQUIRETLS', 'EAUTH', 'EMAXRECIPIENTS']);

/**
 * Mail through SMTP with nodemailer: one pooled transport per distinct settings, created on first
 * use and kept until {@link close}. Each {@link send} is one attempt: the pool never requeues a
 * message by itself.
 */
export class EmailSender {
  private readonly transports = new Map<string, PoolTransport>();
  private readonly connectionTimeoutMs: number;
  private readonly greetingTimeoutMs: number;
  private readonly socketTimeoutMs: number;
  private readonly sendTimeoutMs: number;
  private readonly maxConnections: number;
  private readonly log: (message: string) => void;

  constructor(options: EmailSenderOptions = {}) {
    this.connectionTimeoutMs = options.connectionTimeoutMs ?? 10_000;
    this.greetingTimeoutMs = options.greetingTimeoutMs ?? 10_000;
    this.socketTimeoutMs = options.socketTimeoutMs ?? 10_000;
    this.sendTimeoutMs = options.sendTimeoutMs ?? 30_000;
    this.maxConnections = options.maxConnections ?? 2;
    this.log = options.log ?? (() => undefined);
  }

  /** How many transports are open (one per distinct settings). */
  get transportCount(): number {
    return this.transports.size;
  }

  async send({ smtp, to, notification, pinned }: SendEmail): Promise<SendOutcome> {
    if (!ADDRESS.test(to)) return { kind: 'reject', error: 'invalid recipient address' };
    const secrets = secretsOf(smtp);
    const content = emailContent(notification);
    try {
      const info = await this.transportFor(smtp, pinned?.[0]?.address).sendMail({
        from: smtp.from,
        to,
        subject: content.subject,
        text: content.text,
        html: content.html,
        messageId: messageIdOf(notification.deliveryId),
        headers: {
          'X-Okr-Delivery': notification.deliveryId,
          'X-Okr-Event': notification.rule,
          // RFC 3834: automatic mail, so out-of-office responders stay quiet.
          'Auto-Submitted': 'auto-generated',
          'X-Auto-Response-Suppress': 'All',
        },
        signal: AbortSignal.timeout(this.sendTimeoutMs),
      });
      const response = oneLine(withholdIfSecret(String(info.response ?? ''), secrets), 512);
      const statusCode = Number(/^\d{3}/.exec(response)?.[0] ?? 250);
      return response ? { kind: 'delivered', statusCode, detail: response } : { kind: 'delivered', statusCode };
    } catch (error) {
      return this.outcomeOfError(error, secrets);
    }
  }

  /** Closes every transport (idle connections at once, busy ones after their message). */
  close(): void {
    for (const transport of this.transports.values()) transport.close();
    this.transports.clear();
  }

  private transportFor(smtp: SmtpSettings, address?: string): PoolTransport {
    // The key holds the password: only its hash is kept (and it is never logged).
    const key = createHash('sha256')
      .update(JSON.stringify([smtp.host, address ?? null, smtp.port, smtp.secure, smtp.username ?? null, smtp.password ?? null]))
      .digest('hex');
    const existing = this.transports.get(key);
    if (existing) return existing;
    const transport: PoolTransport = createTransport({
      pool: true,
      host: address ?? smtp.host,
      ...(address !== undefined && !isIP(smtp.host) ? { tls: { servername: smtp.host } } : {}),
      port: smtp.port,
      secure: smtp.secure,
      ...(smtp.username !== undefined ? { auth: { user: smtp.username, pass: smtp.password ?? '' } } : {}),
      connectionTimeout: this.connectionTimeoutMs,
      greetingTimeout: this.greetingTimeoutMs,
      socketTimeout: this.socketTimeoutMs,
      maxConnections: this.maxConnections,
      // One attempt per send: the dispatcher owns retries, with backoff and a durable record.
      maxRequeues: 0,
      // Close idle connections before the socket timeout would.
      idleTimeout: Math.max(1, Math.floor(this.socketTimeoutMs / 2)),
      disableFileAccess: true,
      disableUrlAccess: true,
    });
    const secrets = secretsOf(smtp);
    // A transport-level error must never be an unhandled 'error' event.
    transport.on('error', (error: Error) => this.log(`SMTP transport ${smtp.host}:${smtp.port} error: ${withholdIfSecret(error.message, secrets)}`));
    this.transports.set(key, transport);
    this.log(`SMTP transport created for ${smtp.host}:${smtp.port} (settings ${key.slice(0, 12)})`);
    return transport;
  }

  private outcomeOfError(error: unknown, secrets: string[]): SendOutcome {
    const e = (error ?? {}) as NodemailerError;
    const responseCode = typeof e.responseCode === 'number' ? e.responseCode : undefined;
    const message = oneLine(withholdIfSecret(e.message || String(error), secrets), 512);
    if (e.code === 'EABORT') {
      // Aborting does not prove the server did not take the message; the stable Message-ID lets clients dedupe.
      return { kind: 'retry', error: `SMTP send timed out after ${this.sendTimeoutMs} ms (${message})` };
    }
    if (responseCode !== undefined && responseCode >= 400) {
      const outcome = { error: `SMTP ${responseCode}: ${message}`, statusCode: responseCode };
      return isPermanentReply(responseCode) ? { kind: 'reject', ...outcome } : { kind: 'retry', ...outcome };
    }
    const text = e.code ? `${e.code}: ${message}` : message;
    if (e.code && PERMANENT_ERROR_CODES.has(e.code)) return { kind: 'reject', error: text };
    // Connection refused, DNS, TLS, timeouts, a dropped connection: maybe better next time.
    return { kind: 'retry', error: text };
  }
}

const secretsOf = (smtp: SmtpSettings): string[] => (smtp.password ? [smtp.password] : []);
