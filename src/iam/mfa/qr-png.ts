import { deflateSync } from 'node:zlib';
import qrcode from 'qrcode-generator';
import { crc32 } from '../../checksum/crc32.js';

/**
 * A QR code as a PNG image: what CreateVirtualMFADevice returns as `QRCodePNG` for an authenticator
 * app to scan. The QR matrix comes from `qrcode-generator` (MIT, no dependencies); the PNG container
 * is written here (1-bit greyscale, one IDAT) with node:zlib and our CRC-32.
 * PNG: https://www.w3.org/TR/png-3/ (signature §5.2, chunks §5.3, IHDR §11.2.1, filter 0 §7.3).
 */
export interface QrPngOptions {
  /** Pixels per module; default 4. */
  readonly scale?: number;
  /** Light modules around the code (ISO/IEC 18004 asks for 4); default 4. */
  readonly margin?: number;
  /** Error correction level; default M (15 %), what most otpauth QR codes use. */
  readonly errorCorrection?: 'L' | 'M' | 'Q' | 'H';
}

export function qrCodePng(text: string, options: QrPngOptions = {}): Buffer {
  const qr = qrcode(0, options.errorCorrection ?? 'M');
  qr.addData(text, 'Byte');
  qr.make();
  const modules = qr.getModuleCount();
  return encodeBitmapPng({ size: modules, isDark: (row, col) => qr.isDark(row, col) }, options);
}

/** A square matrix of dark and light modules. */
export interface ModuleMatrix {
  readonly size: number;
  isDark(row: number, col: number): boolean;
}

/** Renders a module matrix as a 1-bit greyscale PNG (dark = 0, light = 1). */
export function encodeBitmapPng(matrix: ModuleMatrix, options: Pick<QrPngOptions, 'scale' | 'margin'> = {}): Buffer {
  const scale = options.scale ?? 4;
  const margin = options.margin ?? 4;
  const width = (matrix.size + 2 * margin) * scale;
  const rowBytes = Math.ceil(width / 8);
  // Each scanline: filter type 0 (None), then the packed bits, most significant bit first.
  const raw = Buffer.alloc((rowBytes + 1) * width, 0);
  for (let y = 0; y < width; y++) {
    const line = y * (rowBytes + 1);
    const row = Math.floor(y / scale) - margin;
    for (let x = 0; x < width; x++) {
      const col = Math.floor(x / scale) - margin;
      const inside = row >= 0 && col >= 0 && row < matrix.size && col < matrix.size;
      const dark = inside && matrix.isDark(row, col);
      if (!dark) raw[line + 1 + (x >> 3)] |= 0x80 >> (x & 7);
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(width, 4);
  header[8] = 1; // bit depth
  header[9] = 0; // colour type: greyscale
  header[10] = 0; // compression: deflate
  header[11] = 0; // filter method 0
  header[12] = 0; // no interlace
  const chunks = [chunk('IHDR', header), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))];
  return Buffer.concat([PNG_SIGNATURE, ...chunks]);
}

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** length, type, data, CRC-32 over type and data. */
function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}
