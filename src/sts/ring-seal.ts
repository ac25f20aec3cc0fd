import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { SessionKeyRing } from './session-keys.js';

/**
 * Sealing under the session key ring: version (1) | key id (8) | iv (12) | tag (16) |
 * AES-256-GCM(deflate(payload)), base64. `purpose` is bound as additional data, so a blob sealed for
 * one use (a session token) never opens as another (an authorization message).
 */
const VERSION = 1;
const KEY_ID_BYTES = 8;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HEADER = 1 + KEY_ID_BYTES + IV_BYTES + TAG_BYTES;
const MAX_PLAINTEXT = 256 * 1024;

export async function sealWithRing(ring: SessionKeyRing, purpose: string, payload: Buffer): Promise<string> {
  const key = await ring.current();
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key.key, iv);
  cipher.setAAD(Buffer.from(purpose));
  const ct = Buffer.concat([cipher.update(deflateRawSync(payload)), cipher.final()]);
  return Buffer.concat([Buffer.of(VERSION), Buffer.from(key.keyId, 'hex'), iv, cipher.getAuthTag(), ct]).toString('base64');
}

/** The payload, or undefined for anything that is not an intact blob sealed for `purpose`. */
export async function openWithRing(ring: SessionKeyRing, purpose: string, blob: string, maxLength: number): Promise<Buffer | undefined> {
  if (blob.length > maxLength || !/^[A-Za-z0-9+/]+={0,2}$/.test(blob)) return undefined;
  const raw = Buffer.from(blob, 'base64');
  if (raw.length <= HEADER || raw[0] !== VERSION) return undefined;
  const key = await ring.find(raw.subarray(1, 1 + KEY_ID_BYTES).toString('hex'));
  if (!key) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.key, raw.subarray(1 + KEY_ID_BYTES, 1 + KEY_ID_BYTES + IV_BYTES));
    decipher.setAAD(Buffer.from(purpose));
    decipher.setAuthTag(raw.subarray(HEADER - TAG_BYTES, HEADER));
    return inflateRawSync(Buffer.concat([decipher.update(raw.subarray(HEADER)), decipher.final()]), { maxOutputLength: MAX_PLAINTEXT });
  } catch {
    return undefined;
  }
}
