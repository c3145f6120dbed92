import { randomBytes } from 'node:crypto';
import { SecretBox, secretsKeyFrom } from './secret-box';

describe('SecretBox', () => {
  const key = randomBytes(32);
  const secret = 'whsec_0123456789abcdefghijklmnopqrstuvwxyzABCDEFG';

  it('seals with AES-256-GCM: the value is not in the sealed text, and opens back', () => {
    const box = new SecretBox(key);
    const sealed = box.seal(secret);
    expect(sealed).toMatch(/^sealed:v1:[\w-]{8}:/);
    expect(sealed).not.toContain(secret);
    expect(box.seal(secret)).not.toBe(sealed); // a fresh IV each time
    expect(box.open(sealed)).toBe(secret);
  });

  it('refuses a tampered value and another key, without showing the value', () => {
    const sealed = new SecretBox(key).seal(secret);
    const parts = sealed.split(':');
    parts[5] = Buffer.from('x'.repeat(20)).toString('base64url');
    expect(() => new SecretBox(key).open(parts.join(':'))).toThrow();
    expect(() => new SecretBox(randomBytes(32)).open(sealed)).toThrow(/cannot be opened/);
    expect(() => new SecretBox().open(sealed)).toThrow(/no OKR_SECRETS_KEY/);
  });

  it('without a key keeps values as they are; with one still reads values written before', () => {
    expect(new SecretBox().seal(secret)).toBe(secret);
    expect(new SecretBox(key).open(secret)).toBe(secret);
  });

  it('reads OKR_SECRETS_KEY as 32 bytes of base64 and names the setting on a bad one', () => {
    expect(secretsKeyFrom({})).toBeUndefined();
    expect(secretsKeyFrom({ OKR_SECRETS_KEY: key.toString('base64') })?.equals(key)).toBe(true);
    expect(() => secretsKeyFrom({ OKR_SECRETS_KEY: 'c2hvcnQ=' })).toThrow(/^OKR_SECRETS_KEY must be 32 random bytes/);
    expect(() => secretsKeyFrom({ OKR_SECRETS_KEY: 'c2hvcnQ=' })).not.toThrow(/c2hvcnQ/);
  });
});
