/**
 * The server's SSE keys: what protects SSE-S3 data keys, and what keys the HMAC that SSE-C objects
 * keep of their customer's key. The first key is current; the others only open and verify what they
 * made before a rotation. Every wrapped key and HMAC names the key that made it, so a key missing from
 * the ring is reported by id.
 *
 * Each object gets a data key of its own, made from a short-lived *batch key* the way S3 Bucket Keys
 * make data keys ("a short-lived bucket-level key ... will create data keys for new objects during its
 * lifecycle", bucket-key.html): a random batch key is sealed by the server key with AES-256-GCM once,
 * and each object's data key is AES-256 of two blocks (a random 96-bit nonce and a counter) under it
 * (a PRF, as RFC 8452 derives its keys). An object records the sealed batch key and its nonce
 * (`sse2:<keyId>:<sealed batch key>:<nonce>`): making a data key costs no cipher set-up and no
 * sealing, and opening one costs a cached batch key and one block operation. A batch key serves at
 * most 65,536 objects or ten minutes.
 *
 * AWS, SSE-S3: "each object with a unique key. As an additional safeguard, it encrypts the key itself
 * with a key that it rotates regularly" (UsingServerSideEncryption.html). SSE-C: "Amazon S3 does not
 * store the encryption key that you provide. Instead, it stores a randomly salted HMAC value of the
 * encryption key to validate future requests" (specifying-s3-c-encryption.html).
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, timingSafeEqual, type Cipher } from 'node:crypto';
import { Sealer, keyIdOf, sealingKey } from '../crypto/sealer.js';
import { RandomPool } from './random-pool.js';

/** Bound to every sealed key (GCM additional data): a sealed secret of another kind never opens as one. */
const WRAP_CONTEXT = Buffer.from('strongbox:sse:data-key');
const HMAC_LABEL = 'strongbox:sse:customer-key-hmac';
/** Opened data keys and batch-key PRFs kept for hot objects. */
const CACHE_ENTRIES = 4096;
const BATCH_USES = 65_536;
const BATCH_LIFETIME_MS = 10 * 60 * 1000;

/** A wrapped key or HMAC made by a key this server does not have (the key file lost a rotated key). */
const KMS_SEALING_LABEL = 'strongbox kms key material';

export class UnknownSseKeyError extends Error {
  readonly code = 'UnknownSseKey';

  constructor(readonly keyId: string) {
    super(`made with SSE key ${keyId}, which is not in this server's key ring (keep rotated keys in the key file)`);
    this.name = 'UnknownSseKeyError';
  }
}

interface BatchKey {
  /** `<keyId>:<sealed batch key>`. */
  readonly sealed: string;
  readonly prf: Cipher;
  uses: number;
  readonly madeAt: number;
}

export interface NewDataKey {
  readonly dataKey: Buffer;
  /** What the object records (ObjectEncryption.wrappedDataKey). */
  readonly wrapped: string;
}

export class SseKeyRing {
  private readonly keys: ReadonlyMap<string, Buffer>;
  private readonly ordered: readonly Buffer[];
  private readonly hmacKeys: ReadonlyMap<string, Buffer>;
  private readonly currentId: string;
  private readonly opened = new Map<string, Buffer>();
  private readonly prfs = new Map<string, Cipher>();
  private readonly pool = new RandomPool();
  private batch: BatchKey | undefined;

  /** `keys[0]` is current; 32 bytes each. */
  constructor(
    keys: readonly Buffer[],
    private readonly now: () => number = Date.now,
  ) {
    if (keys.length === 0) throw new Error('the SSE key ring needs at least one key');
    for (const k of keys) if (k.length !== 32) throw new Error(`SSE keys are 32 bytes, got ${k.length}`);
    this.keys = new Map(keys.map((k) => [keyIdOf(k), k]));
    this.ordered = [...keys];
    this.currentId = keyIdOf(keys[0]);
    this.hmacKeys = new Map(keys.map((k) => [keyIdOf(k), createHmac('sha256', k).update(HMAC_LABEL).digest()]));
  }

  /** The current key's id (logged at start: which key a data directory needs). */
  get currentKeyId(): string {
    return this.currentId;
  }

  /**
   * What seals the built-in KMS's key material (src/kms): keys derived from these (HKDF, a label of its
   * own), so SSE-KMS objects, like SSE-S3 ones, cannot be opened from the data directory alone when
   * the SSE keys live outside it; rotation works the same way (the current key seals, all unseal).
   */
  kmsSealer(): Sealer {
    const derived = this.ordered.map((k) => sealingKey(Buffer.from(hkdfSync('sha256', k, Buffer.alloc(0), KMS_SEALING_LABEL, 32))));
    return new Sealer(derived[0], derived.slice(1));
  }

  /** `bytes` random bytes (salts, nonces). */
  random(bytes: number): Buffer {
    return this.pool.take(bytes);
  }

  /** A data key for one new object (or multipart upload), and what the object records to open it again. */
  newDataKey(): NewDataKey {
    const batch = this.currentBatch();
    batch.uses += 1;
    const nonce = this.random(12);
    const dataKey = derive(batch.prf, nonce);
    // Not remembered for reads: opening it again is one block of the batch key's PRF, cheaper than
    // keeping a bounded map of every key written.
    return { dataKey, wrapped: `sse2:${batch.sealed}:${nonce.toString('base64url')}` };
  }

  /** The data key a `wrapped` value stands for; throws UnknownSseKeyError for a key the ring lacks. */
  unwrapDataKey(wrapped: string): Buffer {
    const cached = this.opened.get(wrapped);
    if (cached !== undefined) return cached;
    const [format, keyId, sealed, nonce] = wrapped.split(':');
    if (format !== 'sse2' || nonce === undefined) throw new Error('not a wrapped SSE data key');
    const batchKey = `${keyId}:${sealed}`;
    let prf = this.prfs.get(batchKey);
    if (prf === undefined) {
      prf = batchPrf(this.open(keyId, sealed));
      this.remember(this.prfs, batchKey, prf);
    }
    const dataKey = derive(prf, Buffer.from(nonce, 'base64url'));
    this.remember(this.opened, wrapped, dataKey);
    return dataKey;
  }

  /** `<keyId>:<salt>:<hmac>`: a randomly salted HMAC of a customer key, under the current key. */
  customerKeyHmac(customerKey: Buffer): string {
    const salt = this.random(16);
    const mac = this.mac(this.currentId, salt, customerKey);
    return `${this.currentId}:${salt.toString('base64url')}:${mac.toString('base64url')}`;
  }

  /** Whether `customerKey` is the key `stored` (from customerKeyHmac) was made of. */
  customerKeyMatches(customerKey: Buffer, stored: string): boolean {
    const [keyId, salt, mac] = stored.split(':');
    if (salt === undefined || mac === undefined) return false;
    if (!this.hmacKeys.has(keyId)) throw new UnknownSseKeyError(keyId);
    const expected = Buffer.from(mac, 'base64url');
    const actual = this.mac(keyId, Buffer.from(salt, 'base64url'), customerKey);
    return expected.length === actual.length && timingSafeEqual(expected, actual);
  }

  private currentBatch(): BatchKey {
    const batch = this.batch;
    if (batch !== undefined && batch.uses < BATCH_USES && this.now() - batch.madeAt < BATCH_LIFETIME_MS) return batch;
    const key = this.random(32);
    const iv = this.random(12);
    const cipher = createCipheriv('aes-256-gcm', this.keys.get(this.currentId) as Buffer, iv);
    cipher.setAAD(WRAP_CONTEXT);
    const sealed = Buffer.concat([cipher.update(key), cipher.final()]);
    const text = Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64url');
    this.batch = { sealed: `${this.currentId}:${text}`, prf: batchPrf(key), uses: 0, madeAt: this.now() };
    return this.batch;
  }

  /** A batch key sealed by `keyId`. */
  private open(keyId: string, sealed: string): Buffer {
    const key = this.keys.get(keyId);
    if (key === undefined) throw new UnknownSseKeyError(keyId);
    const raw = Buffer.from(sealed, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
    decipher.setAAD(WRAP_CONTEXT);
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]);
  }

  private remember<V>(cache: Map<string, V>, key: string, value: V): void {
    if (cache.size >= CACHE_ENTRIES) cache.delete(cache.keys().next().value as string);
    cache.set(key, value);
  }

  private mac(keyId: string, salt: Buffer, customerKey: Buffer): Buffer {
    return createHmac('sha256', this.hmacKeys.get(keyId) as Buffer).update(salt).update(customerKey).digest();
  }
}

/** AES-256 under a batch key, block by block (ECB of distinct blocks: the raw block cipher as a PRF). */
function batchPrf(batchKey: Buffer): Cipher {
  const prf = createCipheriv('aes-256-ecb', batchKey, null);
  prf.setAutoPadding(false);
  return prf;
}

/** A data key: AES(batch key, nonce | 0) | AES(batch key, nonce | 1). */
function derive(prf: Cipher, nonce: Buffer): Buffer {
  if (nonce.length !== 12) throw new Error('an SSE data key nonce is 12 bytes');
  const blocks = Buffer.alloc(32);
  nonce.copy(blocks, 0);
  nonce.copy(blocks, 16);
  blocks.writeUInt32BE(1, 28);
  return prf.update(blocks);
}

/** The id the ring gives a key (the first 16 hex characters of its SHA-256). */
export function sseKeyId(key: Buffer): string {
  return keyIdOf(key);
}
