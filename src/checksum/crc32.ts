import * as zlib from 'node:zlib';
import { makeCrc32Tables, updateCrc32Sliced } from './crc32-engine.js';

/** CRC-32 (IEEE 802.3, as zlib/gzip), reflected polynomial 0xEDB88320, S3's `CRC32` checksum. */
export const CRC32_POLY_REFLECTED = 0xedb88320;

type ZlibCrc32 = (data: Uint8Array | string, value?: number) => number;
// zlib.crc32 exists from Node 20.15 / 22.2; it runs native code (several GB/s). The table version
// is the fallback for older runtimes.
const native: ZlibCrc32 | undefined = (zlib as unknown as { crc32?: ZlibCrc32 }).crc32;
let tables: Int32Array | undefined;

/** Incremental CRC-32. `crc` is the finalised CRC of the data so far (0 for none). */
export function crc32(data: Uint8Array, crc = 0): number {
  if (native !== undefined) return native(data, crc) >>> 0;
  tables ??= makeCrc32Tables(CRC32_POLY_REFLECTED);
  return updateCrc32Sliced(tables, data, crc);
}

/** The table implementation, exposed so tests can check it against zlib. */
export function crc32Portable(data: Uint8Array, crc = 0): number {
  tables ??= makeCrc32Tables(CRC32_POLY_REFLECTED);
  return updateCrc32Sliced(tables, data, crc);
}
