import { WITHHELD, withholdIfSecret } from './format';

describe('withholdIfSecret', () => {
  it('keeps a text that quotes no secret as it is', () => {
    expect(withholdIfSecret('HTTP 500 upstream timeout', ['s3cr3t-value', undefined, ''])).toBe('HTTP 500 upstream timeout');
  });

  it('withholds the whole text when it quotes a secret, as given, URL-encoded or in base64', () => {
    const secret = 'p@ss word/42';
    for (const text of [`bad password ${secret}`, `GET /x?p=${encodeURIComponent(secret)}`, `535 auth ${Buffer.from(secret).toString('base64')} rejected`]) {
      expect(withholdIfSecret(text, [secret])).toBe(WITHHELD);
    }
  });

  it('never cuts a short secret out of other words: the message is withheld whole, showing neither it nor where it was', () => {
    // Substring redaction turned "delivered to alice" into "delivered to [redacted]lice" for a password "a".
    const out = withholdIfSecret('550 mailbox alice unavailable', ['a']);
    expect(out).toBe(WITHHELD);
    expect(out).not.toContain('lice');
  });
});
