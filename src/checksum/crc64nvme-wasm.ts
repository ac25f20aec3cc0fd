/**
 * CRC-64/NVME slicing-by-16 in WebAssembly: one 64-bit table load per byte (the JavaScript version needs
 * two 32-bit ones, for the halves of the register), no bounds checks, and sixteen independent lookups
 * per step. The module is a few hundred bytes assembled below from its instructions (no toolchain, no
 * binary blob in the tree); the tables are the JavaScript version's, copied into its memory.
 *
 * Memory layout: tables at 0 (slice k, byte b at (k * 256 + b) * 8, little-endian u64), then a scratch
 * area the input is copied into, SCRATCH bytes at a time.
 *
 *   (func (export "update") (param $crc i64) (param $ptr i32) (param $len i32) (result i64)
 *     ;; 16 bytes at a time: v = load64(ptr) ^ crc; w = load64(ptr + 8);
 *     ;;   crc = T15[v & 255] ^ ... ^ T8[v >> 56] ^ T7[w & 255] ^ ... ^ T0[w >> 56]
 *     ;; then byte by byte: crc = T0[(crc ^ byte) & 255] ^ (crc >> 8)
 *     ...)
 */
const SLICES = 16;
const TABLE_BYTES = SLICES * 256 * 8;
const SCRATCH = 1024 * 1024;
const PAGE = 64 * 1024;

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

// Opcodes (WebAssembly core spec, binary format).
const OP = {
  block: 0x02, loop: 0x03, br: 0x0c, brIf: 0x0d, end: 0x0b,
  localGet: 0x20, localSet: 0x21,
  i64Load: 0x29, i64Load8U: 0x31,
  i32Const: 0x41, i64Const: 0x42,
  i32GeU: 0x4f, i32Add: 0x6a, i32And: 0x71, i32Shl: 0x74,
  i64Xor: 0x85, i64ShrU: 0x88, i32WrapI64: 0xa7,
} as const;
const VOID = 0x40;
const I32 = 0x7f;
const I64 = 0x7e;
// Parameters 0 crc, 1 ptr, 2 len; locals 3 end16, 4 end (i32), 5 v, 6 w (i64).
const CRC = 0, PTR = 1, LEN = 2, END16 = 3, END = 4, V = 5, W = 6;

/** `T[slice][(local >> shift) & 255]` pushed as an i64 (the byte index scaled to 8-byte entries). */
function tableLookup(local: number, shift: number, slice: number): number[] {
  const code = [OP.localGet, local];
  if (shift > 0) code.push(OP.i64Const, ...sleb(shift), OP.i64ShrU);
  code.push(OP.i32WrapI64);
  if (shift < 56) code.push(OP.i32Const, ...sleb(255), OP.i32And);
  code.push(OP.i32Const, 3, OP.i32Shl, OP.i64Load, 3, ...uleb(slice * 2048));
  return code;
}

function functionBody(): number[] {
  const code: number[] = [
    OP.localGet, PTR, OP.localGet, LEN, OP.i32Add, OP.localSet, END,
    OP.localGet, PTR, OP.localGet, LEN, OP.i32Const, ...sleb(-16), OP.i32And, OP.i32Add, OP.localSet, END16,
    OP.block, VOID, OP.loop, VOID,
    OP.localGet, PTR, OP.localGet, END16, OP.i32GeU, OP.brIf, 1,
    OP.localGet, PTR, OP.i64Load, 3, 0, OP.localGet, CRC, OP.i64Xor, OP.localSet, V,
    OP.localGet, PTR, OP.i64Load, 3, 8, OP.localSet, W,
    ...tableLookup(V, 0, 15),
  ];
  for (let k = 1; k < 8; k++) code.push(...tableLookup(V, 8 * k, 15 - k), OP.i64Xor);
  for (let k = 0; k < 8; k++) code.push(...tableLookup(W, 8 * k, 7 - k), OP.i64Xor);
  code.push(
    OP.localSet, CRC,
    OP.localGet, PTR, OP.i32Const, 16, OP.i32Add, OP.localSet, PTR,
    OP.br, 0, OP.end, OP.end,
    OP.block, VOID, OP.loop, VOID,
    OP.localGet, PTR, OP.localGet, END, OP.i32GeU, OP.brIf, 1,
    OP.localGet, CRC, OP.localGet, PTR, OP.i64Load8U, 0, 0, OP.i64Xor, OP.localSet, V,
    ...tableLookup(V, 0, 0),
    OP.localGet, CRC, OP.i64Const, 8, OP.i64ShrU, OP.i64Xor, OP.localSet, CRC,
    OP.localGet, PTR, OP.i32Const, 1, OP.i32Add, OP.localSet, PTR,
    OP.br, 0, OP.end, OP.end,
    OP.localGet, CRC,
    OP.end,
  );
  const locals = [2, 2, I32, 2, I64];
  return [...uleb(locals.length + code.length), ...locals, ...code];
}

function section(id: number, content: number[]): number[] {
  return [id, ...uleb(content.length), ...content];
}

function name(s: string): number[] {
  return [...uleb(s.length), ...Buffer.from(s, 'latin1')];
}

function moduleBytes(): Uint8Array<ArrayBuffer> {
  const pages = Math.ceil((TABLE_BYTES + SCRATCH) / PAGE);
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [1, 0x60, 3, I64, I32, I32, 1, I64]),
    ...section(3, [1, 0]),
    ...section(5, [1, 0x00, ...uleb(pages)]),
    ...section(7, [2, ...name('memory'), 2, 0, ...name('update'), 0, 0]),
    ...section(10, [1, ...functionBody()]),
  ]);
}

export interface Crc64WasmEngine {
  /** Updates the register (before xor-out) over `data`; the register as two int32 halves, as crc64nvme.ts keeps it. */
  update(lo: number, hi: number, data: Uint8Array): { lo: number; hi: number };
}

/**
 * Instantiates the engine with the slicing tables (`lo`/`hi` halves, 8 × 256 each, as crc64nvme.ts
 * builds them), or undefined where WebAssembly is unavailable. The scratch memory holds no state
 * between calls, so one engine serves any number of hashers (in one thread).
 */
export function createCrc64WasmEngine(lo: Int32Array, hi: Int32Array): Crc64WasmEngine | undefined {
  if (typeof WebAssembly !== 'object') return undefined;
  const instance = new WebAssembly.Instance(new WebAssembly.Module(moduleBytes()));
  const memory = instance.exports.memory as WebAssembly.Memory;
  const update = instance.exports.update as (crc: bigint, ptr: number, len: number) => bigint;
  const words = new Int32Array(memory.buffer, 0, TABLE_BYTES / 4);
  for (let i = 0; i < 8 * 256; i++) {
    words[2 * i] = lo[i];
    words[2 * i + 1] = hi[i];
  }
  // Slices 8..15 from slice 0, as the first eight were: T[s][n] = (T[s-1][n] >> 8) ^ T[0][T[s-1][n] & 255].
  for (let sl = 8; sl < SLICES; sl++) {
    for (let n = 0; n < 256; n++) {
      const p = 2 * ((sl - 1) * 256 + n);
      const idx = words[p] & 0xff;
      words[2 * (sl * 256 + n)] = ((words[p] >>> 8) | (words[p + 1] << 24)) ^ words[2 * idx];
      words[2 * (sl * 256 + n) + 1] = (words[p + 1] >>> 8) ^ words[2 * idx + 1];
    }
  }
  const scratch = Buffer.from(memory.buffer, TABLE_BYTES, SCRATCH);
  return {
    update(l, h, data) {
      let crc = (BigInt(h >>> 0) << 32n) | BigInt(l >>> 0);
      for (let offset = 0; offset < data.length; offset += SCRATCH) {
        const piece = data.subarray(offset, Math.min(offset + SCRATCH, data.length));
        // A native memcpy; TypedArray#set from shared memory (a hash worker's batch) copies word by word.
        scratch.fill(piece, 0, piece.length);
        crc = update(crc, TABLE_BYTES, piece.length);
      }
      return { lo: Number(crc & 0xffffffffn) | 0, hi: Number(crc >> 32n) | 0 };
    },
  };
}
