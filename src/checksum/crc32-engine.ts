/**
 * Table-driven reflected CRC-32 (slicing-by-16), shared by CRC-32C and by the CRC-32 fallback for
 * runtimes without `zlib.crc32`. 16 tables × 256 entries; 4 aligned 32-bit loads per 16 bytes when
 * the platform is little-endian (every platform Node ships for today; the byte path covers others).
 */
const SLICES = 16;
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

export function makeCrc32Tables(polyReflected: number): Int32Array {
  const t = new Int32Array(SLICES * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ polyReflected : c >>> 1;
    t[n] = c;
  }
  for (let n = 0; n < 256; n++) {
    let c = t[n];
    for (let s = 1; s < SLICES; s++) {
      c = t[c & 0xff] ^ (c >>> 8);
      t[s * 256 + n] = c;
    }
  }
  return t;
}

function updateBytes(t: Int32Array, data: Uint8Array, start: number, end: number, reg: number): number {
  let c = reg;
  for (let i = start; i < end; i++) c = t[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return c;
}

/** `crc` and the result are finalised CRC values (init and xor-out 0xFFFFFFFF applied). */
export function updateCrc32Sliced(t: Int32Array, data: Uint8Array, crc: number): number {
  let c = ~crc;
  const len = data.length;
  let i = 0;
  if (LITTLE_ENDIAN && len >= 64) {
    // Bring the read position to a 4-byte boundary so a Uint32Array view can be used.
    const misalign = (4 - ((data.byteOffset + i) & 3)) & 3;
    c = updateBytes(t, data, 0, misalign, c);
    i = misalign;
    const words = (len - i) >>> 4 << 2; // whole 16-byte blocks, in 32-bit words
    const w = new Uint32Array(data.buffer, data.byteOffset + i, words);
    for (let j = 0; j < words; j += 4) {
      const a = w[j] ^ c;
      const b = w[j + 1];
      const d = w[j + 2];
      const e = w[j + 3];
      c =
        t[3840 + (a & 0xff)] ^ t[3584 + ((a >>> 8) & 0xff)] ^ t[3328 + ((a >>> 16) & 0xff)] ^ t[3072 + (a >>> 24)] ^
        t[2816 + (b & 0xff)] ^ t[2560 + ((b >>> 8) & 0xff)] ^ t[2304 + ((b >>> 16) & 0xff)] ^ t[2048 + (b >>> 24)] ^
        t[1792 + (d & 0xff)] ^ t[1536 + ((d >>> 8) & 0xff)] ^ t[1280 + ((d >>> 16) & 0xff)] ^ t[1024 + (d >>> 24)] ^
        t[768 + (e & 0xff)] ^ t[512 + ((e >>> 8) & 0xff)] ^ t[256 + ((e >>> 16) & 0xff)] ^ t[e >>> 24];
    }
    i += words << 2;
  }
  c = updateBytes(t, data, i, len, c);
  return ~c >>> 0;
}
