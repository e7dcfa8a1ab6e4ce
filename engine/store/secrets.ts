/**
 * The master key and the AES-256-GCM envelope for connection secrets.
 * The key comes from the caller (WEIR_MASTER_KEY) or from dataDir/master.key, created on first open.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, closeSync, fsyncSync, linkSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { WeirError } from '../errors.ts';

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Decodes a 32-byte key written as 64 hex digits or as base64 / base64url. */
export function parseMasterKey(text: string, origin = 'the master key'): Buffer {
  const s = text.trim();
  let key: Buffer | undefined;
  if (/^[0-9a-fA-F]{64}$/.test(s)) key = Buffer.from(s, 'hex');
  else if (/^[A-Za-z0-9+/_-]{43}=?$/.test(s)) key = Buffer.from(s.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  if (!key || key.length !== KEY_BYTES) {
    throw new WeirError(
      'invalid_master_key',
      `${origin} must be 32 bytes written as 64 hex digits or base64 (e.g. \`openssl rand -base64 32\`)`,
      { status: 500 },
    );
  }
  return key;
}

/**
 * Reads dataDir/master.key, or creates it with mode 0600. Creation goes through a temporary file
 * and link(2) so a crash never leaves an empty key file and two processes starting together agree.
 */
export function loadOrCreateMasterKey(dataDir: string): Buffer {
  const path = join(dataDir, 'master.key');
  const existing = readKeyFile(path);
  if (existing) return existing;
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    writeSync(fd, `${randomBytes(KEY_BYTES).toString('base64')}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  // The umask may have narrowed or (on odd systems) ignored the mode given to open.
  chmodSync(tmp, 0o600);
  try {
    linkSync(tmp, path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    unlinkSync(tmp);
  }
  return readKeyFile(path)!;
}

function readKeyFile(path: string): Buffer | undefined {
  let raw: Buffer;
  try {
    raw = readFileSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  // A key file copied in with looser permissions is narrowed to its owner, as a new one is made.
  if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
  return parseMasterKey(raw.toString('utf8'), path);
}

/** Encrypts with a fresh IV; the connection name is bound as associated data so rows can't be swapped. */
export function seal(key: Buffer, plaintext: string, aad: string): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]);
}

/** Undefined when the key (or the data) is wrong: GCM's tag check fails rather than returning garbage. */
export function unseal(key: Buffer, sealed: Buffer, aad: string): string | undefined {
  if (sealed.length < IV_BYTES + TAG_BYTES) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(sealed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(sealed.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}
