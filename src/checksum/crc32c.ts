import { makeCrc32Tables, updateCrc32Sliced } from './crc32-engine.js';

/** CRC-32C (Castagnoli), reflected polynomial 0x82F63B78, as S3's `CRC32C` checksum. */
export const CRC32C_POLY_REFLECTED = 0x82f63b78;

// Immutable lookup data computed once at import (64 KiB): a constant, not a service singleton.
const TABLES = makeCrc32Tables(CRC32C_POLY_REFLECTED);

/** Incremental CRC-32C. `crc` is the finalised CRC of the data so far (0 for none). */
export function crc32c(data: Uint8Array, crc = 0): number {
  return updateCrc32Sliced(TABLES, data, crc);
}
