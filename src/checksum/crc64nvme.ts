/**
 * CRC-64/NVME (S3's `CRC64NVME`): reflected, polynomial 0xAD93D23594C93659 (reflected
 * 0x9A6C9329AC4BC9B5), init and xor-out all ones. Check value of "123456789": 0xAE8B14860A799888.
 *
 * JavaScript has no fast 64-bit integers (BigInt allocates), so the 64-bit register is held as two
 * uint32 halves and every table is split into a low and a high Int32Array. Slicing-by-8: one
 * 8-byte block costs two 32-bit loads and 16 table lookups.
 */
import { createCrc64WasmEngine, type Crc64WasmEngine } from './crc64nvme-wasm.js';

const POLY_LO = 0xac4bc9b5 | 0;
const POLY_HI = 0x9a6c9329 | 0;
const SLICES = 8;
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

function makeTables(): { lo: Int32Array; hi: Int32Array } {
  const lo = new Int32Array(SLICES * 256);
  const hi = new Int32Array(SLICES * 256);
  for (let n = 0; n < 256; n++) {
    let l = n;
    let h = 0;
    for (let k = 0; k < 8; k++) {
      const lsb = l & 1;
      l = (l >>> 1) | (h << 31);
      h = h >>> 1;
      if (lsb) {
        l ^= POLY_LO;
        h ^= POLY_HI;
      }
    }
    lo[n] = l;
    hi[n] = h;
  }
  for (let n = 0; n < 256; n++) {
    let l = lo[n];
    let h = hi[n];
    for (let s = 1; s < SLICES; s++) {
      const idx = l & 0xff;
      l = ((l >>> 8) | (h << 24)) ^ lo[idx];
      h = (h >>> 8) ^ hi[idx];
      lo[s * 256 + n] = l;
      hi[s * 256 + n] = h;
    }
  }
  return { lo, hi };
}

// Immutable lookup data computed once at import (16 KiB): a constant, not a service singleton.
const { lo: TL, hi: TH } = makeTables();

/** Register state (before xor-out), as two signed-int32 halves. */
export interface Crc64State {
  lo: number;
  hi: number;
}

export function crc64nvmeInit(): Crc64State {
  return { lo: -1, hi: -1 };
}

function updateBytes(s: Crc64State, data: Uint8Array, start: number, end: number): void {
  let l = s.lo;
  let h = s.hi;
  for (let i = start; i < end; i++) {
    const idx = (l ^ data[i]) & 0xff;
    l = ((l >>> 8) | (h << 24)) ^ TL[idx];
    h = (h >>> 8) ^ TH[idx];
  }
  s.lo = l;
  s.hi = h;
}

/** Below this many bytes the JavaScript loop wins (no copy into WebAssembly memory, no BigInt). */
const WASM_MIN_BYTES = 256;

// Created on first use and shared: immutable code and tables plus a scratch buffer that holds no
// state between calls (like the tables above, a constant of the computation, not a service).
let wasm: Crc64WasmEngine | null | undefined;

export function crc64nvmeUpdate(s: Crc64State, data: Uint8Array): void {
  if (data.length >= WASM_MIN_BYTES) {
    wasm ??= createCrc64WasmEngine(TL, TH) ?? null;
    if (wasm !== null) {
      const r = wasm.update(s.lo, s.hi, data);
      s.lo = r.lo;
      s.hi = r.hi;
      return;
    }
  }
  crc64nvmeUpdateJs(s, data);
}

/** The JavaScript slicing-by-8 (also the reference the WebAssembly engine is tested against). */
export function crc64nvmeUpdateJs(s: Crc64State, data: Uint8Array): void {
  const len = data.length;
  let i = 0;
  if (LITTLE_ENDIAN && len >= 64) {
    const misalign = (4 - (data.byteOffset & 3)) & 3;
    updateBytes(s, data, 0, misalign);
    i = misalign;
    const words = ((len - i) >>> 3) << 1;
    const w = new Uint32Array(data.buffer, data.byteOffset + i, words);
    let l = s.lo;
    let h = s.hi;
    for (let j = 0; j < words; j += 2) {
      const a = w[j] ^ l;
      const b = w[j + 1] ^ h;
      const i7 = 1792 + (a & 0xff), i6 = 1536 + ((a >>> 8) & 0xff), i5 = 1280 + ((a >>> 16) & 0xff), i4 = 1024 + (a >>> 24);
      const i3 = 768 + (b & 0xff), i2 = 512 + ((b >>> 8) & 0xff), i1 = 256 + ((b >>> 16) & 0xff), i0 = b >>> 24;
      l = TL[i7] ^ TL[i6] ^ TL[i5] ^ TL[i4] ^ TL[i3] ^ TL[i2] ^ TL[i1] ^ TL[i0];
      h = TH[i7] ^ TH[i6] ^ TH[i5] ^ TH[i4] ^ TH[i3] ^ TH[i2] ^ TH[i1] ^ TH[i0];
    }
    s.lo = l;
    s.hi = h;
    i += words << 2;
  }
  updateBytes(s, data, i, len);
}

/** Finalised CRC as 8 big-endian bytes (the form S3 base64-encodes). */
export function crc64nvmeDigest(s: Crc64State): Buffer {
  const out = Buffer.allocUnsafe(8);
  out.writeUInt32BE(~s.hi >>> 0, 0);
  out.writeUInt32BE(~s.lo >>> 0, 4);
  return out;
}

/** One-shot helper: finalised CRC as a bigint. */
export function crc64nvme(data: Uint8Array): bigint {
  const s = crc64nvmeInit();
  crc64nvmeUpdate(s, data);
  return crc64nvmeDigest(s).readBigUInt64BE(0);
}
