import { randomUUID } from 'node:crypto';
import { link, mkdir, open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';

/** Algorithm of the embedded signing key. */
export const EMBEDDED_ALG = 'ES256';

/** The embedded key pair, as kept in `<OKR_DATA_DIR>/auth/signing-key.json`. */
export interface StoredSigningKey {
  kid: string;
  alg: typeof EMBEDDED_ALG;
  privateJwk: JWK;
  publicJwk: JWK;
  createdAt: string;
}

/** The embedded key pair, imported and ready to sign and verify. */
export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
}

/** Where the embedded signing key of a data folder lives. */
export const signingKeyPath = (dataDir: string): string => join(dataDir, 'auth', 'signing-key.json');

/**
 * Reads the data folder's ES256 signing key, creating it on first use. Creation is atomic and
 * exclusive: the key is written and synced to a private temporary file (mode 0600), then hard-linked
 * to its final name, which fails if another process got there first; every caller then reads the one
 * file that won, so services starting together agree on the key.
 */
export async function loadOrCreateSigningKey(dataDir: string): Promise<SigningKey> {
  const file = signingKeyPath(dataDir);
  const existing = await readKeyFile(file);
  if (existing) return importKey(existing, file);

  await mkdir(join(dataDir, 'auth'), { recursive: true, mode: 0o700 });
  const temp = `${file}.${process.pid}.${randomUUID()}.tmp`;
  try {
    const handle = await open(temp, 'wx', 0o600);
    try {
      await handle.writeFile(JSON.stringify(await generate(), null, 2));
      await handle.sync();
    } finally {
      await handle.close();
    }
    await link(temp, file).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    });
  } finally {
    await rm(temp, { force: true });
  }
  const stored = await readKeyFile(file);
  if (!stored) throw new Error(`The embedded signing key ${file} vanished while it was being created`);
  return importKey(stored, file);
}

const cache = new Map<string, Promise<SigningKey>>();

/** {@link loadOrCreateSigningKey}, once per data folder and process. */
export function cachedSigningKey(dataDir: string): Promise<SigningKey> {
  let key = cache.get(dataDir);
  if (!key) {
    key = loadOrCreateSigningKey(dataDir);
    key.catch(() => cache.delete(dataDir));
    cache.set(dataDir, key);
  }
  return key;
}

async function generate(): Promise<StoredSigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(EMBEDDED_ALG, { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  const privateJwk = await exportJWK(privateKey);
  return { kid, alg: EMBEDDED_ALG, privateJwk, publicJwk: { ...publicJwk, kid, alg: EMBEDDED_ALG, use: 'sig' }, createdAt: new Date().toISOString() };
}

async function readKeyFile(file: string): Promise<StoredSigningKey | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const parsed = JSON.parse(text) as StoredSigningKey;
    if (typeof parsed.kid === 'string' && parsed.privateJwk?.d && parsed.publicJwk?.x) return parsed;
  } catch {
    // reported below
  }
  throw new Error(`The embedded signing key ${file} is unreadable; delete it to create a new one`);
}

async function importKey(stored: StoredSigningKey, file: string): Promise<SigningKey> {
  try {
    const privateKey = (await importJWK(stored.privateJwk, EMBEDDED_ALG)) as CryptoKey;
    const publicKey = (await importJWK(stored.publicJwk, EMBEDDED_ALG)) as CryptoKey;
    return { kid: stored.kid, privateKey, publicKey };
  } catch (error) {
    throw new Error(`The embedded signing key ${file} is unreadable; delete it to create a new one`, { cause: error });
  }
}
