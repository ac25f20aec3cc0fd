import { createHash, type Hash } from 'node:crypto';
import type { HashAlgorithm } from './algorithms.js';
import { crc32 } from './crc32.js';
import { crc32c } from './crc32c.js';
import { crc64nvmeDigest, crc64nvmeInit, crc64nvmeUpdate, type Crc64State } from './crc64nvme.js';

/** A streaming hash with one shape for every algorithm S3 uses. `digest()` may be called once. */
export interface Hasher {
  readonly algorithm: HashAlgorithm;
  update(data: Uint8Array): void;
  /** Raw digest bytes (CRCs big-endian, as S3 base64-encodes them). */
  digest(): Buffer;
}

class NodeHasher implements Hasher {
  private readonly h: Hash;
  constructor(readonly algorithm: 'SHA1' | 'SHA256' | 'MD5') {
    this.h = createHash(algorithm === 'SHA1' ? 'sha1' : algorithm === 'SHA256' ? 'sha256' : 'md5');
  }
  update(data: Uint8Array): void {
    this.h.update(data);
  }
  digest(): Buffer {
    return this.h.digest();
  }
}

class Crc32Hasher implements Hasher {
  private crc = 0;
  constructor(readonly algorithm: 'CRC32' | 'CRC32C') {}
  update(data: Uint8Array): void {
    this.crc = this.algorithm === 'CRC32' ? crc32(data, this.crc) : crc32c(data, this.crc);
  }
  digest(): Buffer {
    const out = Buffer.allocUnsafe(4);
    out.writeUInt32BE(this.crc >>> 0, 0);
    return out;
  }
}

class Crc64NvmeHasher implements Hasher {
  readonly algorithm = 'CRC64NVME' as const;
  private readonly state: Crc64State = crc64nvmeInit();
  update(data: Uint8Array): void {
    crc64nvmeUpdate(this.state, data);
  }
  digest(): Buffer {
    return crc64nvmeDigest(this.state);
  }
}

export function createHasher(algorithm: HashAlgorithm): Hasher {
  switch (algorithm) {
    case 'CRC32':
    case 'CRC32C':
      return new Crc32Hasher(algorithm);
    case 'CRC64NVME':
      return new Crc64NvmeHasher();
    case 'SHA1':
    case 'SHA256':
    case 'MD5':
      return new NodeHasher(algorithm);
  }
}

/** One-shot digest of a buffer. */
export function hashOf(algorithm: HashAlgorithm, data: Uint8Array): Buffer {
  const h = createHasher(algorithm);
  h.update(data);
  return h.digest();
}
