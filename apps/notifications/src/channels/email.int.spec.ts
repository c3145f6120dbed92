import { createServer, type AddressInfo, type Socket } from 'node:net';
import { SMTPServer, type SMTPServerOptions, type SMTPServerSession } from 'smtp-server';
import { EmailSender, emailContent, messageIdOf, smtpSettingsFromUrl, type SmtpSettings } from './email';
import { closedPort } from './testing/http-receiver';
import type { OutgoingNotification, SendOutcome } from './types';

const PASSWORD = 'pw-Zq81!kd';

const notification = (overrides: Partial<OutgoingNotification> = {}): OutgoingNotification => ({
  deliveryId: 'd-5e9c',
  tenantId: 'acme',
  rule: 'check-in-reminder',
  recipient: 'u-ada',
  subject: 'Check-in due for "Grow ARR"',
  body: 'Your weekly check-in is due.\nLast confidence: 6 <of 10> & falling.',
  triggeredBy: 'period-48',
  createdAt: '2026-11-27T08:00:00.000Z',
  attempt: 1,
  ...overrides,
});

interface Received {
  mailFrom: string;
  rcptTo: string[];
  user?: string;
  raw: string;
}

interface TestServer {
  port: number;
  received: Received[];
  connections: number;
  close(): Promise<void>;
}

async function startSmtpServer(options: Partial<SMTPServerOptions> = {}): Promise<TestServer> {
  const state = { received: [] as Received[], connections: 0 };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    closeTimeout: 1000,
    onConnect(_session, callback) {
      state.connections += 1;
      callback();
    },
    onData(stream, session: SMTPServerSession, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        state.received.push({
          mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          rcptTo: session.envelope.rcptTo.map((rcpt) => rcpt.address),
          ...(typeof session.user === 'string' ? { user: session.user } : {}),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
    ...options,
  });
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.server.address() as AddressInfo;
  return {
    port,
    get received() {
      return state.received;
    },
    get connections() {
      return state.connections;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const smtpError = (message: string, responseCode: number) => Object.assign(new Error(message), { responseCode });

/** Headers (unfolded, lower-case names) and body of a MIME entity. */
function parseEntity(raw: string): { headers: Record<string, string>; body: string } {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const headers: Record<string, string> = {};
  for (const line of head.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { headers, body: raw.slice(split + 4) };
}

/** RFC 2047 encoded words (`=?UTF-8?Q?…?=` / `=?UTF-8?B?…?=`) decoded. */
const decodeWords = (value: string): string =>
  value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?UTF-8\?([QB])\?([^?]*)\?=/gi, (_, kind: string, text: string) =>
      kind.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64').toString('utf8')
        : Buffer.from(text.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (__, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1').toString('utf8'),
    );

/** The decoded text of each leaf part of a multipart message, keyed by content type. */
function partsOf(raw: string): Record<string, string> {
  const { headers, body } = parseEntity(raw);
  const boundary = /boundary="?([^";]+)"?/.exec(headers['content-type'] ?? '')?.[1];
  if (!boundary) {
    const encoding = headers['content-transfer-encoding'] ?? '7bit';
    const decoded =
      encoding === 'quoted-printable'
        ? Buffer.from(body.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1').toString('utf8')
        : encoding === 'base64'
          ? Buffer.from(body, 'base64').toString('utf8')
          : body;
    return { [(headers['content-type'] ?? '').split(';')[0]]: decoded };
  }
  const parts: Record<string, string> = {};
  for (const section of body.split(`--${boundary}`).slice(1)) {
    if (section.startsWith('--')) break;
    Object.assign(parts, partsOf(section.replace(/^\r\n/, '')));
  }
  return parts;
}

describe('smtpSettingsFromUrl', () => {
  it('reads smtp:// and smtps:// URLs, with defaults for the port and percent-decoded credentials', () => {
    expect(smtpSettingsFromUrl('smtp://mailer:p%40ss%3Aw@mail.example.com:2525', 'OKR <okr@example.com>')).toEqual({
      host: 'mail.example.com',
      port: 2525,
      secure: false,
      username: 'mailer',
      password: 'p@ss:w',
      from: 'OKR <okr@example.com>',
    });
    expect(smtpSettingsFromUrl('smtps://mail.example.com', 'okr@example.com')).toEqual({ host: 'mail.example.com', port: 465, secure: true, from: 'okr@example.com' });
    expect(smtpSettingsFromUrl('smtp://[::1]', 'okr@example.com')).toMatchObject({ host: '::1', port: 587, secure: false });
  });

  it('throws on another scheme or garbage, without echoing the URL', () => {
    expect(() => smtpSettingsFromUrl(`http://u:${PASSWORD}@mail.example.com`, 'x@example.com')).toThrow('the scheme must be smtp or smtps');
    expect(() => smtpSettingsFromUrl(`smtp//u:${PASSWORD}@`, 'x@example.com')).toThrow(/^invalid SMTP URL/);
    try {
      smtpSettingsFromUrl(`nope:${PASSWORD}`, 'x@example.com');
    } catch (error) {
      expect(String(error)).not.toContain(PASSWORD);
    }
    expect.assertions(3);
  });
});

describe('emailContent', () => {
  it('escapes the HTML and lists digest entries', () => {
    const content = emailContent(
      notification({ rule: 'digest', subject: 'Your digest', body: 'Two updates:', items: [{ rule: 'at-risk', subject: 'KR <1> at risk', body: 'Now 20% & sliding.\nAct.' }, { rule: 'learning-captured', subject: 'New learning', body: '' }] }),
    );
    expect(content.subject).toBe('Your digest');
    expect(content.text).toBe('Two updates:\n\n- KR <1> at risk\n  Now 20% & sliding.\n  Act.\n\n- New learning\n\n-- \nOKR notifications · digest\n');
    expect(content.html).toContain('<li style="margin:0 0 12px;"><strong>KR &lt;1&gt; at risk</strong>');
    expect(content.html).toContain('Now 20% &amp; sliding.<br>\nAct.');
    expect(content.html.match(/<li /g)).toHaveLength(2);
    expect(content.html).not.toContain('<1>');
  });
});

describe('EmailSender against a real SMTP server', () => {
  let sender: EmailSender;
  let server: TestServer | undefined;
  const logs: string[] = [];
  const outcomes: SendOutcome[] = [];
  const settings = (port: number, extra: Partial<SmtpSettings> = {}): SmtpSettings => ({
    host: '127.0.0.1',
    port,
    secure: false,
    from: 'OKR <okr@example.com>',
    ...extra,
  });
  const send = async (smtp: SmtpSettings, to = 'ada@example.com', n = notification()) => {
    const outcome = await sender.send({ smtp, to, notification: n });
    outcomes.push(outcome);
    return outcome;
  };

  beforeEach(() => {
    sender = new EmailSender({ connectionTimeoutMs: 2000, greetingTimeoutMs: 2000, socketTimeoutMs: 2000, log: (message) => logs.push(message) });
  });
  afterEach(async () => {
    sender.close();
    await server?.close();
    server = undefined;
  });
  afterAll(() => {
    for (const text of [...logs, ...outcomes.map((outcome) => JSON.stringify(outcome))]) expect(text).not.toContain(PASSWORD);
  });

  it('delivers a text and an HTML part with the stable Message-ID and the delivery header', async () => {
    server = await startSmtpServer();
    const outcome = await send(settings(server.port));

    expect(outcome).toMatchObject({ kind: 'delivered', statusCode: 250 });
    expect(server.received).toHaveLength(1);
    const [mail] = server.received;
    expect(mail.mailFrom).toBe('okr@example.com');
    expect(mail.rcptTo).toEqual(['ada@example.com']);

    const { headers } = parseEntity(mail.raw);
    expect(headers['from']).toBe('OKR <okr@example.com>');
    expect(headers['to']).toBe('ada@example.com');
    expect(decodeWords(headers['subject'])).toBe('Check-in due for "Grow ARR"');
    expect(headers['message-id']).toBe('<d-5e9c@okr-notifications>');
    expect(headers['x-okr-delivery']).toBe('d-5e9c');
    expect(headers['auto-submitted']).toBe('auto-generated');
    expect(headers['content-type']).toMatch(/^multipart\/alternative;/);

    const parts = partsOf(mail.raw);
    expect(Object.keys(parts).sort()).toEqual(['text/html', 'text/plain']);
    expect(parts['text/plain']).toContain('Your weekly check-in is due.\r\nLast confidence: 6 <of 10> & falling.');
    expect(parts['text/html']).toContain('Your weekly check-in is due.<br>\r\nLast confidence: 6 &lt;of 10&gt; &amp; falling.');
    expect(parts['text/html']).toContain('<h1 style="font-size:19px;margin:0 0 16px;">Check-in due for &quot;Grow ARR&quot;</h1>');
  });

  it('keeps one transport per distinct settings', async () => {
    server = await startSmtpServer();
    await send(settings(server.port));
    await send(settings(server.port, { from: 'other@example.com' }), 'bob@example.com', notification({ deliveryId: 'd-2' }));
    expect(sender.transportCount).toBe(1);
    expect(server.received.map((mail) => mail.rcptTo[0])).toEqual(['ada@example.com', 'bob@example.com']);
    expect(parseEntity(server.received[1].raw).headers['message-id']).toBe(messageIdOf('d-2'));
    await send(settings(server.port, { username: 'x', password: PASSWORD }));
    expect(sender.transportCount).toBe(2);
  });

  it('550 on RCPT TO -> reject, tried once', async () => {
    let calls = 0;
    server = await startSmtpServer({
      onRcptTo(_address, _session, callback) {
        calls += 1;
        callback(smtpError('5.1.1 No such user here', 550));
      },
    });
    const outcome = await send(settings(server.port));
    expect(outcome).toMatchObject({ kind: 'reject', statusCode: 550, error: expect.stringMatching(/^SMTP 550: .*No such user here/) });
    expect(calls).toBe(1);
    expect(server.received).toHaveLength(0);
  });

  it('451 on RCPT TO -> retry, and the sender does not try again by itself', async () => {
    let calls = 0;
    server = await startSmtpServer({
      onRcptTo(_address, _session, callback) {
        calls += 1;
        callback(smtpError('4.7.1 Greylisted, try again later', 451));
      },
    });
    const outcome = await send(settings(server.port));
    expect(outcome).toMatchObject({ kind: 'retry', statusCode: 451, error: expect.stringContaining('Greylisted') });
    expect(calls).toBe(1);
    expect(server.received).toHaveLength(0);
  });

  it('a server that is down -> retry', async () => {
    const outcome = await send(settings(await closedPort()));
    expect(outcome).toMatchObject({ kind: 'retry', error: expect.stringMatching(/ECONNREFUSED/) });
  });

  it('a connection dropped during DATA -> retry, after one connection', async () => {
    // A bare-bones SMTP server that hangs up as soon as the message starts arriving.
    let connections = 0;
    const sockets = new Set<Socket>();
    const dropper = createServer((socket) => {
      connections += 1;
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
      let buffered = '';
      let inData = false;
      socket.write('220 dropper ESMTP\r\n');
      socket.on('data', (chunk: Buffer) => {
        if (inData) return void socket.destroy();
        buffered += chunk.toString('latin1');
        let end: number;
        while ((end = buffered.indexOf('\r\n')) >= 0) {
          const verb = buffered.slice(0, end).split(' ')[0].toUpperCase();
          buffered = buffered.slice(end + 2);
          if (verb === 'DATA') {
            inData = true;
            socket.write('354 go ahead\r\n');
          } else if (verb === 'QUIT') socket.end('221 bye\r\n');
          else socket.write(verb === 'EHLO' ? '250 dropper\r\n' : '250 OK\r\n');
        }
      });
    });
    await new Promise<void>((resolve) => dropper.listen(0, '127.0.0.1', resolve));
    try {
      const outcome = await send(settings((dropper.address() as AddressInfo).port));
      expect(outcome).toEqual({ kind: 'retry', error: 'ECONNECTION: Connection closed unexpectedly' });
      expect(connections).toBe(1);
    } finally {
      sender.close();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => dropper.close(() => resolve()));
    }
  });

  it('a server that stalls past the send deadline -> retry with a timeout message', async () => {
    server = await startSmtpServer({
      onData(stream) {
        stream.resume(); // and never answer
      },
    });
    sender.close();
    sender = new EmailSender({ sendTimeoutMs: 200 });
    const outcome = await send(settings(server.port));
    expect(outcome).toMatchObject({ kind: 'retry', error: expect.stringMatching(/^SMTP send timed out after 200 ms/) });
  });

  it('an invalid address -> reject, without connecting', async () => {
    server = await startSmtpServer();
    for (const to of ['', 'ada', 'ada@example.com, eve@example.com', 'Ada <ada@example.com>', 'ada@example.com\r\nBcc: eve@example.com']) {
      expect(await send(settings(server.port), to)).toEqual({ kind: 'reject', error: 'invalid recipient address' });
    }
    expect(server.connections).toBe(0);
  });

  describe('with AUTH required', () => {
    const authServer = () =>
      startSmtpServer({
        authOptional: false,
        allowInsecureAuth: true,
        authMethods: ['PLAIN', 'LOGIN'],
        onAuth(auth, _session, callback) {
          if (auth.username === 'mailer' && auth.password === PASSWORD) callback(null, { user: 'mailer' });
          else callback(smtpError('5.7.8 Authentication credentials invalid', 535));
        },
      });

    it('delivers with the username and password', async () => {
      server = await authServer();
      const outcome = await send(settings(server.port, { username: 'mailer', password: PASSWORD }));
      expect(outcome).toMatchObject({ kind: 'delivered' });
      expect(server.received).toHaveLength(1);
      expect(server.received[0].user).toBe('mailer');
    });

    it('rejects wrong credentials (535) without showing the password', async () => {
      server = await authServer();
      const outcome = await send(settings(server.port, { username: 'mailer', password: `${PASSWORD}-old` }));
      expect(outcome).toMatchObject({ kind: 'reject', statusCode: 535 });
      expect(server.received).toHaveLength(0);
    });

    it('rejects a send without credentials', async () => {
      server = await authServer();
      const outcome = await send(settings(server.port));
      expect(outcome.kind).toBe('reject');
      expect(server.received).toHaveLength(0);
    });
  });
});
