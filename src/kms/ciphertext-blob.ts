import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { canonicalContext, type EncryptionContext } from './encryption-context.js';

/**
 * The CiphertextBlob of symmetric encryption: self-describing, as AWS's is, so Decrypt needs no
 * KeyId. AES-256-GCM under one version of the key's material; the header and the canonical
 * encryption context are the additional authenticated data, so a blob decrypts only with the key,
 * version and context it was made with.
 *
 *   0      1 byte   format version (1)
 *   1     16 bytes  key id (the UUID's bytes)
 *   17     4 bytes  key-material version (big-endian)
 *   21    12 bytes  IV
 *   33    16 bytes  GCM tag
 *   49     …        ciphertext
 *
 * Deviation from AWS: AWS's blob format is not public; this one is Strongbox's own (49 bytes of
 * overhead, within CiphertextType's 6144-byte bound for a 4096-byte plaintext).
 */
const FORMAT = 1;
const HEADER_BYTES = 21;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const OVERHEAD = HEADER_BYTES + IV_BYTES + TAG_BYTES;

export interface BlobHeader {
  readonly keyId: string;
  readonly materialVersion: number;
}

/** The key and material version a blob names; undefined when it is not one of ours. */
export function readBlobHeader(blob: Buffer): BlobHeader | undefined {
  if (blob.length < OVERHEAD || blob[0] !== FORMAT) return undefined;
  const hex = blob.subarray(1, 17).toString('hex');
  const keyId = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  return { keyId, materialVersion: blob.readUInt32BE(17) };
}

export function sealBlob(plaintext: Buffer, key: Buffer, header: BlobHeader, context: EncryptionContext): Buffer {
  const head = headerBytes(header);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.concat([head, canonicalContext(context)]));
  const ct = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([head, iv, cipher.getAuthTag(), ct]);
}

/** The plaintext; undefined when the blob was altered or the context differs. */
export function openBlob(blob: Buffer, key: Buffer, context: EncryptionContext): Buffer | undefined {
  if (blob.length < OVERHEAD) return undefined;
  const iv = blob.subarray(HEADER_BYTES, HEADER_BYTES + IV_BYTES);
  const tag = blob.subarray(HEADER_BYTES + IV_BYTES, OVERHEAD);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv);
    decipher.setAAD(Buffer.concat([blob.subarray(0, HEADER_BYTES), canonicalContext(context)]));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(blob.subarray(OVERHEAD)), decipher.final()]);
  } catch {
    return undefined;
  }
}

function headerBytes(h: BlobHeader): Buffer {
  const head = Buffer.alloc(HEADER_BYTES);
  head[0] = FORMAT;
  Buffer.from(h.keyId.replace(/-/g, ''), 'hex').copy(head, 1);
  head.writeUInt32BE(h.materialVersion, 17);
  return head;
}
