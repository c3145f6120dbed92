import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const PREFIX = 'pd1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const SEALED = /^pd1\.([0-9a-f-]{36})\.([A-Za-z0-9_-]+)$/;

/**
 * Seals one value: AES-256-GCM with a fresh 96-bit IV and the key id as additional data, written as
 * `pd1.<keyId>.<base64url(iv | tag | ciphertext)>`. The key id travels in clear so a reader knows
 * which key opens it; it is random and names no one.
 */
export function seal(plain: string, keyId: string, key: Uint8Array): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(keyId));
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return `${PREFIX}.${keyId}.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`;
}

/** The key id of a sealed value, or undefined for a plain one (events stored before sealing existed). */
export function sealedKeyId(value: string): string | undefined {
  return SEALED.exec(value)?.[1];
}

/** Opens a sealed value with its key. Throws when the value was not sealed with this key or was altered. */
export function open(sealed: string, key: Uint8Array): string {
  const match = SEALED.exec(sealed);
  if (!match) throw new Error('Not a sealed personal-data value');
  const bytes = Buffer.from(match[2], 'base64url');
  const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV_BYTES));
  decipher.setAAD(Buffer.from(match[1]));
  decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
}
