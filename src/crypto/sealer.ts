import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * AES-256-GCM sealing of secrets at rest (access-key secrets must stay recoverable: SigV4 needs the
 * plaintext to recompute signatures). The blob names the key that sealed it, so a key ring can hold
 * old keys for unsealing while a new one seals (ROADMAP: rotation, sealed session tokens).
 *
 * Blob format: `sb1:<keyId>:<base64url(iv[12] | tag[16] | ciphertext)>`.
 */
const FORMAT = 'sb1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface SealingKey {
  /** Stable id derived from the key bytes (see `keyIdOf`). */
  readonly id: string;
  readonly key: Buffer;
}

/** Key id = first 8 bytes of SHA-256 over the key, hex: stable across restarts without storing it separately. */
export function keyIdOf(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 16);
}

export function sealingKey(key: Buffer): SealingKey {
  if (key.length !== 32) throw new Error(`sealing key must be 32 bytes, got ${key.length}`);
  return { id: keyIdOf(key), key };
}

export class Sealer {
  private readonly current: SealingKey;
  private readonly ring: ReadonlyMap<string, SealingKey>;

  /** `current` seals; `current` and every key in `older` unseal. */
  constructor(current: SealingKey, older: readonly SealingKey[] = []) {
    this.current = current;
    this.ring = new Map([...older, current].map((k) => [k.id, k]));
  }

  get currentKeyId(): string {
    return this.current.id;
  }

  /**
   * `context` is bound as additional authenticated data (e.g. the access key id), so a sealed secret
   * copied onto another row fails to unseal.
   */
  seal(plaintext: string | Buffer, context = ''): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.current.key, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const ct = Buffer.concat([cipher.update(typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext), cipher.final()]);
    const tag = cipher.getAuthTag();
    return `${FORMAT}:${this.current.id}:${Buffer.concat([iv, tag, ct]).toString('base64url')}`;
  }

  unsealToBuffer(blob: string, context = ''): Buffer {
    const parts = blob.split(':');
    if (parts.length !== 3 || parts[0] !== FORMAT) throw new Error('not a sealed blob');
    const key = this.ring.get(parts[1]);
    if (key === undefined) throw new Error(`sealed with unknown key ${parts[1]}`);
    const raw = Buffer.from(parts[2], 'base64url');
    if (raw.length < IV_BYTES + TAG_BYTES) throw new Error('sealed blob too short');
    const decipher = createDecipheriv('aes-256-gcm', key.key, raw.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
  }

  unseal(blob: string, context = ''): string {
    return this.unsealToBuffer(blob, context).toString('utf8');
  }

  /** Key id a blob was sealed with (to find rows that need re-sealing after a rotation). */
  static keyIdOfBlob(blob: string): string | undefined {
    const parts = blob.split(':');
    return parts.length === 3 && parts[0] === FORMAT ? parts[1] : undefined;
  }
}
