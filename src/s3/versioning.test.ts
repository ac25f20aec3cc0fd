import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isServiceError } from '../errors/service-error.js';
import { newVersionId } from '../storage/version-id.js';
import { parseMfaHeader } from './mfa-delete.js';
import { parseObjectAttributes } from './object-attributes.js';
import { parseVersionId } from './object-version.js';
import { parseVersioningConfiguration } from './versioning.js';

const code = (c: string) => (e: unknown) => isServiceError(e) && e.code === c;
const doc = (inner: string) => `<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${inner}</VersioningConfiguration>`;

test('VersioningConfiguration documents: Status required, MfaDelete optional', () => {
  assert.deepEqual(parseVersioningConfiguration(doc('<Status>Enabled</Status>')), { status: 'Enabled', mfaDelete: undefined });
  assert.deepEqual(parseVersioningConfiguration(doc('<Status>Suspended</Status><MfaDelete>Disabled</MfaDelete>')), { status: 'Suspended', mfaDelete: 'Disabled' });
  assert.deepEqual(parseVersioningConfiguration(doc('<MfaDelete>Enabled</MfaDelete><Status>Enabled</Status>')), { status: 'Enabled', mfaDelete: 'Enabled' });
  assert.throws(() => parseVersioningConfiguration(doc('')), code('IllegalVersioningConfigurationException'));
  assert.throws(() => parseVersioningConfiguration(doc('<Status>Disabled</Status>')), code('IllegalVersioningConfigurationException'));
  assert.throws(() => parseVersioningConfiguration(doc('<Status>Enabled</Status><MfaDelete>On</MfaDelete>')), code('MalformedXML'));
  assert.throws(() => parseVersioningConfiguration(doc('<Status>Enabled</Status><Other/>')), code('MalformedXML'));
  assert.throws(() => parseVersioningConfiguration('<Versioning/>'), code('MalformedXML'));
});

test('version ids: 32 URL-safe characters never starting with "-"; `null`; anything else refused', () => {
  for (let i = 0; i < 200; i++) {
    const id = newVersionId();
    assert.match(id, /^[A-Za-z0-9._]{32}$/);
    assert.equal(parseVersionId(id), id);
  }
  assert.equal(parseVersionId(undefined), undefined);
  assert.equal(parseVersionId('null'), null);
  assert.throws(() => parseVersionId(''), code('InvalidArgument'));
  assert.throws(() => parseVersionId('v1'), code('InvalidArgument'));
  assert.throws(() => parseVersionId('-'.repeat(32)), code('InvalidArgument'));
});

test('x-amz-mfa: serial number, space, code', () => {
  assert.deepEqual(parseMfaHeader('arn:aws:iam::111122223333:mfa/root-phone 123456'), { serialNumber: 'arn:aws:iam::111122223333:mfa/root-phone', code: '123456' });
  assert.deepEqual(parseMfaHeader(' 20899872  301749 '), { serialNumber: '20899872', code: '301749' });
  assert.equal(parseMfaHeader(undefined), undefined);
  assert.equal(parseMfaHeader('123456'), undefined);
  assert.equal(parseMfaHeader('a b c'), undefined);
});

test('x-amz-object-attributes: a list of known names', () => {
  assert.deepEqual([...parseObjectAttributes('ETag, ObjectSize,StorageClass')], ['ETag', 'ObjectSize', 'StorageClass']);
  assert.deepEqual([...parseObjectAttributes('Checksum,ObjectParts')], ['Checksum', 'ObjectParts']);
  assert.throws(() => parseObjectAttributes(undefined), code('InvalidRequest'));
  assert.throws(() => parseObjectAttributes(' , '), code('InvalidRequest'));
  assert.throws(() => parseObjectAttributes('ETag,Size'), code('InvalidArgument'));
  assert.throws(() => parseObjectAttributes('etag'), code('InvalidArgument'));
});
