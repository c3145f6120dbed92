import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

export const SECRET_BOX = Symbol('SECRET_BOX');

const PREFIX = 'sealed:v1:';

/**
 * Encryption at rest of the secrets the notifications service must keep readable (webhook signing
 * secrets, chat incoming-webhook URLs, SMTP passwords): AES-256-GCM with a random 96-bit IV per value,
 * under the key `OKR_SECRETS_KEY` (32 bytes, base64). A sealed value reads
 * `sealed:v1:{key id}:{iv}:{tag}:{ciphertext}` (base64url), so a database dump or backup of the read
 * store holds no usable secret. Without a key (the embedded default) values are kept as given and
 * `open` returns them unchanged; `open` also reads values written before a key was set, so turning
 * encryption on needs no migration (each secret is sealed when next written or rotated).
 */
export class SecretBox {
  private readonly keyId: string | undefined;

  constructor(private readonly key?: Buffer) {
    if (key && key.length !== 32) throw new Error('OKR_SECRETS_KEY must be 32 bytes, base64-encoded');
    this.keyId = key ? createHash('sha256').update(key).digest('base64url').slice(0, 8) : undefined;
  }

  get encrypting(): boolean {
    return this.key !== undefined;
  }

  seal(plain: string): string {
    if (!this.key || !this.keyId) return plain;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(this.keyId));
    const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return `${PREFIX}${this.keyId}:${iv.toString('base64url')}:${cipher.getAuthTag().toString('base64url')}:${data.toString('base64url')}`;
  }

  /** The plain value; throws (without the value) when it was sealed under another key or tampered with. */
  open(stored: string): string {
    if (!stored.startsWith(PREFIX)) return stored;
    const [keyId, iv, tag, data] = stored.slice(PREFIX.length).split(':');
    if (!this.key || keyId !== this.keyId || !iv || !tag || data === undefined) {
      throw new Error(`a secret sealed under key ${keyId ?? '?'} cannot be opened with ${this.keyId ? `key ${this.keyId}` : 'no OKR_SECRETS_KEY'}`);
    }
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(keyId));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
  }
}

/** `OKR_SECRETS_KEY`: 32 bytes in base64 (`openssl rand -base64 32`); absent = no encryption. */
export function secretsKeyFrom(env: NodeJS.ProcessEnv): Buffer | undefined {
  const raw = env['OKR_SECRETS_KEY']?.trim();
  if (!raw) return undefined;
  const key = /^[A-Za-z0-9+/_-]+={0,2}$/.test(raw) ? Buffer.from(raw, 'base64') : Buffer.alloc(0);
  // Never echo the value.
  if (key.length !== 32) throw new Error('OKR_SECRETS_KEY must be 32 random bytes in base64, e.g. from `openssl rand -base64 32`');
  return key;
}
