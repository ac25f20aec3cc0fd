import { inflateSync } from 'node:zlib';
import jsQRModule from 'jsqr';
import { crc32 } from '../../../checksum/crc32.js';
import { PNG_SIGNATURE } from '../qr-png.js';

/**
 * Test helpers: a strict reader for the PNGs we write (greyscale, 1 or 8 bits, filter 0), checking
 * the signature and every chunk's CRC, and a QR decoder over it (jsqr, a devDependency).
 */
export interface DecodedPng {
  readonly width: number;
  readonly height: number;
  readonly bitDepth: number;
  readonly colourType: number;
  /** RGBA, 4 bytes a pixel, as QR decoders take it. */
  readonly rgba: Uint8ClampedArray;
}

function fail(why: string): never {
  throw new Error(`not a PNG we can read: ${why}`);
}

export function readPng(png: Buffer): DecodedPng {
  if (!png.subarray(0, 8).equals(PNG_SIGNATURE)) fail('signature');
  let offset = 8;
  let ihdr: Buffer | undefined;
  const idat: Buffer[] = [];
  let ended = false;
  while (offset + 12 <= png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('ascii', offset + 4, offset + 8);
    const data = png.subarray(offset + 8, offset + 8 + length);
    const crc = crc32(png.subarray(offset + 4, offset + 8 + length));
    if (png.readUInt32BE(offset + 8 + length) !== crc) fail(`${type} CRC`);
    if (type === 'IHDR') ihdr = data;
    if (type === 'IDAT') idat.push(data);
    if (type === 'IEND') ended = true;
    offset += 12 + length;
  }
  if (!ihdr || !ended) fail('IHDR or IEND missing');
  const width = ihdr.readUInt32BE(0);
  const height = ihdr.readUInt32BE(4);
  const bitDepth = ihdr[8];
  const colourType = ihdr[9];
  if (colourType !== 0 || (bitDepth !== 1 && bitDepth !== 8)) fail(`colour type ${colourType}, depth ${bitDepth}`);
  const raw = inflateSync(Buffer.concat(idat));
  const rowBytes = Math.ceil((width * bitDepth) / 8);
  if (raw.length !== (rowBytes + 1) * height) fail('image data size');
  const rgba = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    if (raw[y * (rowBytes + 1)] !== 0) fail('filter type other than None');
    for (let x = 0; x < width; x++) {
      const byte = raw[y * (rowBytes + 1) + 1 + Math.floor((x * bitDepth) / 8)];
      const v = bitDepth === 1 ? ((byte >> (7 - (x & 7))) & 1) * 255 : byte;
      rgba.set([v, v, v, 255], (y * width + x) * 4);
    }
  }
  return { width, height, bitDepth, colourType, rgba };
}

// jsqr is CommonJS (`module.exports = jsQR`) typed as an ES default export: under NodeNext the
// default import is the function at run time but the module namespace to the type checker.
const jsQR = jsQRModule as unknown as typeof jsQRModule.default;

/** The text of the QR code in a PNG, or undefined when no code can be read. */
export function decodeQrPng(png: Buffer): string | undefined {
  const img = readPng(png);
  return jsQR(img.rgba, img.width, img.height)?.data;
}
