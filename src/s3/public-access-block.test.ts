/** The PublicAccessBlockConfiguration document, shared by the bucket and the account level. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isServiceError } from '../errors/service-error.js';
import { toXml } from '../protocol/xml.js';
import { parsePublicAccessBlockConfiguration, publicAccessBlockXml } from './public-access-block.js';

const S3_NS = 'http://s3.amazonaws.com/doc/2006-03-01/';
const S3CONTROL_NS = 'http://awss3control.amazonaws.com/doc/2018-08-20/';
const doc = (inner: string, ns = S3_NS) =>
  `<?xml version="1.0" encoding="UTF-8"?>` +
  `<PublicAccessBlockConfiguration xmlns="${ns}">${inner}</PublicAccessBlockConfiguration>`;
const SOME = { blockPublicAcls: true, ignorePublicAcls: false, blockPublicPolicy: true, restrictPublicBuckets: false };

function codeOf(xml: string): string | undefined {
  try {
    parsePublicAccessBlockConfiguration(xml);
    return undefined;
  } catch (e) {
    if (!isServiceError(e)) throw e;
    return e.code;
  }
}

test('all four settings, in either namespace', () => {
  const inner =
    '<BlockPublicAcls>true</BlockPublicAcls><IgnorePublicAcls>false</IgnorePublicAcls>' +
    '<BlockPublicPolicy>TRUE</BlockPublicPolicy><RestrictPublicBuckets>false</RestrictPublicBuckets>';
  assert.deepEqual(parsePublicAccessBlockConfiguration(doc(inner)), SOME);
  assert.deepEqual(parsePublicAccessBlockConfiguration(doc(inner, S3CONTROL_NS)), SOME);
});

test('a member left out is false', () => {
  assert.deepEqual(parsePublicAccessBlockConfiguration(doc('<RestrictPublicBuckets>true</RestrictPublicBuckets>')), {
    blockPublicAcls: false,
    ignorePublicAcls: false,
    blockPublicPolicy: false,
    restrictPublicBuckets: true,
  });
});

test('refusals: no member (InvalidRequest), a bad value, an unknown element, a wrong root (MalformedXML)', () => {
  assert.equal(codeOf(doc('')), 'InvalidRequest');
  assert.equal(codeOf(doc('<BlockPublicAcls>yes</BlockPublicAcls>')), 'MalformedXML');
  assert.equal(codeOf(doc('<BlockPublicAcls></BlockPublicAcls>')), 'MalformedXML');
  const on = '<BlockPublicAcls>true</BlockPublicAcls>';
  assert.equal(codeOf(doc(`${on}<BlockEverything>true</BlockEverything>`)), 'MalformedXML');
  assert.equal(codeOf(doc(`${on}<BlockPublicAcls>false</BlockPublicAcls>`)), 'MalformedXML');
  assert.equal(codeOf(`<PublicAccessBlock>${on}</PublicAccessBlock>`), 'MalformedXML');
  assert.equal(codeOf('not xml'), 'MalformedXML');
});

test('rendering lists the four members in the API reference order', () => {
  const xml = toXml('PublicAccessBlockConfiguration', publicAccessBlockXml(SOME));
  assert.ok(
    xml.endsWith(
      '<PublicAccessBlockConfiguration>' +
        '<BlockPublicAcls>true</BlockPublicAcls><IgnorePublicAcls>false</IgnorePublicAcls>' +
        '<BlockPublicPolicy>true</BlockPublicPolicy><RestrictPublicBuckets>false</RestrictPublicBuckets>' +
        '</PublicAccessBlockConfiguration>',
    ),
  );
});
