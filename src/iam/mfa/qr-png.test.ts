import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeBitmapPng, qrCodePng } from './qr-png.js';
import { decodeQrPng, readPng } from './testing/read-png.js';

test('qrCodePng: a valid PNG (signature, IHDR, CRCs) that a QR decoder reads back', () => {
  const uri = 'otpauth://totp/Amazon%20Web%20Services:alice@123456789012?secret='
    + 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Amazon%20Web%20Services';
  const png = qrCodePng(uri);
  const img = readPng(png);
  assert.equal(img.width, img.height);
  assert.equal(img.bitDepth, 1);
  assert.equal(img.colourType, 0);
  assert.equal(decodeQrPng(png), uri, 'the QR code must be readable');
});

test('qrCodePng: scale and margin set the image size (modules + 2 margins) × scale', () => {
  const small = readPng(qrCodePng('hello', { scale: 1, margin: 0, errorCorrection: 'L' }));
  assert.equal(small.width, 21, 'version 1 is 21 modules');
  const big = readPng(qrCodePng('hello', { scale: 3, margin: 4, errorCorrection: 'L' }));
  assert.equal(big.width, (21 + 8) * 3);
});

test('encodeBitmapPng: dark modules are 0, light (and the margin) are 1, packed MSB first', () => {
  const img = readPng(encodeBitmapPng({ size: 2, isDark: (r, c) => r === c }, { scale: 1, margin: 1 }));
  const px = (x: number, y: number) => img.rgba[(y * img.width + x) * 4];
  assert.equal(img.width, 4);
  assert.deepEqual([px(0, 0), px(1, 1), px(2, 1), px(1, 2), px(2, 2)], [255, 0, 255, 255, 0]);
});

test('readPng (the test reader) refuses a corrupted chunk, so the checks above can fail', () => {
  const png = qrCodePng('hello');
  png[png.length - 20] ^= 0xff;
  assert.throws(() => readPng(png), /CRC/);
});
