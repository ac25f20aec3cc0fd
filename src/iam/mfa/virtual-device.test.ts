import { test } from 'node:test';
import assert from 'node:assert/strict';
import { base32Decode } from '../../crypto/totp.js';
import { decodeQrPng } from './testing/read-png.js';
import { bootstrapData, mfaSerialNumber, newVirtualMfaSeed, otpauthUri } from './virtual-device.js';

test('otpauthUri: AWS issuer prefix, device name @ account, unpadded Base32 secret, issuer parameter', () => {
  const seed = Buffer.from('Hello!\xde\xad\xbe\xef', 'latin1');
  assert.equal(
    otpauthUri({ deviceName: 'alice+phone', accountName: 'my-alias', seed }),
    'otpauth://totp/Amazon%20Web%20Services:alice%2Bphone@my-alias?secret=JBSWY3DPEHPK3PXP&issuer=Amazon%20Web%20Services',
  );
});

test('bootstrapData: Base32StringSeed and the QR code carry the same seed', () => {
  const seed = newVirtualMfaSeed();
  assert.equal(seed.length, 40);
  const data = bootstrapData({ deviceName: 'dev', accountName: '123456789012', seed });
  const base32 = Buffer.from(data.Base32StringSeed, 'base64').toString('ascii');
  assert.deepEqual(base32Decode(base32), seed);
  const uri = decodeQrPng(Buffer.from(data.QRCodePNG, 'base64'));
  assert.equal(uri, `otpauth://totp/Amazon%20Web%20Services:dev@123456789012?secret=${base32}&issuer=Amazon%20Web%20Services`);
});

test('mfaSerialNumber: the device ARN with its path', () => {
  assert.equal(mfaSerialNumber('123456789012', '/', 'dev'), 'arn:aws:iam::123456789012:mfa/dev');
  assert.equal(mfaSerialNumber('123456789012', '/team/', 'dev'), 'arn:aws:iam::123456789012:mfa/team/dev');
});
