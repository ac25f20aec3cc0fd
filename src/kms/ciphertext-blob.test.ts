import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { openBlob, readBlobHeader, sealBlob } from './ciphertext-blob.js';
import { contextConditionKeys } from './encryption-context.js';

const KEY_ID = '1234abcd-12ab-34cd-56ef-1234567890ab';

describe('ciphertext blobs', () => {
  const key = randomBytes(32);
  const header = { keyId: KEY_ID, materialVersion: 3 };

  it('name their key and material version, and open with the same context in any order', () => {
    const blob = sealBlob(Buffer.from('secret'), key, header, { a: '1', b: '2' });
    assert.deepEqual(readBlobHeader(blob), header);
    assert.equal(openBlob(blob, key, { b: '2', a: '1' })?.toString(), 'secret');
  });

  it('do not open with another context, no context, another key, or after any byte changed', () => {
    const blob = sealBlob(Buffer.from('secret'), key, header, { purpose: 'test' });
    assert.equal(openBlob(blob, key, { purpose: 'other' }), undefined);
    assert.equal(openBlob(blob, key, {}), undefined);
    assert.equal(openBlob(blob, key, { purpose: 'test', extra: 'x' }), undefined);
    assert.equal(openBlob(blob, randomBytes(32), { purpose: 'test' }), undefined);
    for (const at of [0, 5, 18, 25, 40, blob.length - 1]) {
      const tampered = Buffer.from(blob);
      tampered[at] ^= 1;
      assert.equal(openBlob(tampered, key, { purpose: 'test' }), undefined, `byte ${at}`);
    }
  });

  it('are random per encryption and refuse what is not one of ours', () => {
    const a = sealBlob(Buffer.from('x'), key, header, {});
    const b = sealBlob(Buffer.from('x'), key, header, {});
    assert.notDeepEqual(a, b);
    assert.equal(readBlobHeader(Buffer.from('not a blob')), undefined);
    assert.equal(readBlobHeader(Buffer.alloc(60, 2)), undefined);
  });

  it('contexts become kms:EncryptionContext:<key> and kms:EncryptionContextKeys', () => {
    assert.deepEqual(contextConditionKeys({}), {});
    assert.deepEqual(contextConditionKeys({ 'aws:s3:arn': 'arn:aws:s3:::b/k' }), {
      'kms:EncryptionContextKeys': ['aws:s3:arn'],
      'kms:EncryptionContext:aws:s3:arn': 'arn:aws:s3:::b/k',
    });
  });
});
