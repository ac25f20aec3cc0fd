import type { CrcAlgorithm } from './algorithms.js';

/**
 * CRC combination: crc(A‖B) from crc(A), crc(B) and len(B), without the data. This is how a
 * multipart upload's FULL_OBJECT checksum is derived from the part checksums ("Checking object
 * integrity in Amazon S3": full-object checksums for multipart uploads, CRC algorithms only).
 *
 * All three S3 CRCs are reflected with init = xor-out = all ones, for which
 *   crc(A‖B) = (crc(A) · x^(8·len(B)) mod P) ⊕ crc(B)
 * holds in the reflected bit order (the init/xor-out terms cancel). Arithmetic is over GF(2) on
 * bigint, which is fine here: it runs once per part at CompleteMultipartUpload, not per byte, and
 * x^(8·len) is memoised per part length because parts are usually all the same size.
 */
interface CrcSpec {
  readonly width: number;
  /** Reflected polynomial. */
  readonly poly: bigint;
}

const SPECS: Readonly<Record<CrcAlgorithm, CrcSpec>> = {
  CRC32: { width: 32, poly: 0xedb88320n },
  CRC32C: { width: 32, poly: 0x82f63b78n },
  CRC64NVME: { width: 64, poly: 0x9a6c9329ac4bc9b5n },
};

/** Combiner for one algorithm; holds its own memo (create one per multipart completion or share it). */
export class CrcCombiner {
  private readonly spec: CrcSpec;
  private readonly top: bigint;
  /** x^(2^k) mod P for k = 0..63, in reflected form. */
  private readonly x2n: bigint[] = [];
  private readonly memo = new Map<number, bigint>();

  constructor(readonly algorithm: CrcAlgorithm) {
    this.spec = SPECS[algorithm];
    this.top = 1n << BigInt(this.spec.width - 1);
    let p = this.top >> 1n; // x^1
    for (let k = 0; k < 64; k++) {
      this.x2n.push(p);
      p = this.mulMod(p, p);
    }
  }

  /** a·b mod P, reflected representation (bit width-1 is x^0). */
  private mulMod(a: bigint, b: bigint): bigint {
    let m = this.top;
    let p = 0n;
    let bb = b;
    const { poly } = this.spec;
    while (m !== 0n) {
      if (a & m) p ^= bb;
      m >>= 1n;
      bb = bb & 1n ? (bb >> 1n) ^ poly : bb >> 1n;
    }
    return p;
  }

  /** x^(8·bytes) mod P. */
  private shiftFor(bytes: number): bigint {
    const hit = this.memo.get(bytes);
    if (hit !== undefined) return hit;
    let p = this.top; // x^0
    let n = BigInt(bytes);
    let k = 3; // 8·n = n·2^3
    while (n > 0n) {
      if (n & 1n) p = this.mulMod(this.x2n[k], p);
      n >>= 1n;
      k++;
    }
    if (this.memo.size < 64) this.memo.set(bytes, p);
    return p;
  }

  /** crc(A‖B); CRCs as finalised unsigned values. */
  combine(crcA: bigint, crcB: bigint, lengthB: number): bigint {
    if (lengthB === 0) return crcA;
    return this.mulMod(this.shiftFor(lengthB), crcA) ^ crcB;
  }

  /** Combines big-endian digests (as S3 stores them) of consecutive parts. */
  combineDigests(parts: readonly { digest: Uint8Array; length: number }[]): Buffer {
    const bytes = this.spec.width / 8;
    let acc = 0n;
    let first = true;
    for (const part of parts) {
      if (part.digest.length !== bytes) throw new RangeError(`${this.algorithm} digest must be ${bytes} bytes`);
      const v = BigInt('0x' + Buffer.from(part.digest).toString('hex'));
      acc = first ? v : this.combine(acc, v, part.length);
      first = false;
    }
    if (first) acc = 0n; // CRC of the empty string
    return Buffer.from(acc.toString(16).padStart(bytes * 2, '0'), 'hex');
  }
}
