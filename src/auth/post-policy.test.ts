import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { verifyPostPolicy } from './post-policy.js';
import { deriveSigningKey } from './signing-key-cache.js';
import { isServiceError } from '../errors/service-error.js';
import { FakeCredentials } from './testing/fake-credentials.js';

const AKID = 'AKIAIOSFODNN7EXAMPLE';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const creds = () => new FakeCredentials().add({ accessKeyId: AKID, secretAccessKey: SECRET });

// "Example: Browser-Based Upload using HTTP POST (Using AWS Signature Version 4)".
const DOC_POLICY =
  'eyAiZXhwaXJhdGlvbiI6ICIyMDE1LTEyLTMwVDEyOjAwOjAwLjAwMFoiLA0KICAiY29uZGl0aW9ucyI6IFsNCiAgICB7ImJ1Y2tldCI6ICJzaWd2NGV4YW1wbGVidWNrZXQifSwNCiAgICBbInN0YXJ0cy13aXRoIiwgIiRrZXkiLCAidXNlci91c2VyMS8iXSwNCiAgICB7ImFjbCI6ICJwdWJsaWMtcmVhZCJ9LA0KICAgIHsic3VjY2Vzc19hY3Rpb25fcmVkaXJlY3QiOiAiaHR0cDovL3NpZ3Y0ZXhhbXBsZWJ1Y2tldC5zMy5hbWF6b25hd3MuY29tL3N1Y2Nlc3NmdWxfdXBsb2FkLmh0bWwifSwNCiAgICBbInN0YXJ0cy13aXRoIiwgIiRDb250ZW50LVR5cGUiLCAiaW1hZ2UvIl0sDQogICAgeyJ4LWFtei1tZXRhLXV1aWQiOiAiMTQzNjUxMjM2NTEyNzQifSwNCiAgICB7IngtYW16LXNlcnZlci1zaWRlLWVuY3J5cHRpb24iOiAiQUVTMjU2In0sDQogICAgWyJzdGFydHMtd2l0aCIsICIkeC1hbXotbWV0YS10YWciLCAiIl0sDQoNCiAgICB7IngtYW16LWNyZWRlbnRpYWwiOiAiQUtJQUlPU0ZPRE5ON0VYQU1QTEUvMjAxNTEyMjkvdXMtZWFzdC0xL3MzL2F3czRfcmVxdWVzdCJ9LA0KICAgIHsieC1hbXotYWxnb3JpdGhtIjogIkFXUzQtSE1BQy1TSEEyNTYifSwNCiAgICB7IngtYW16LWRhdGUiOiAiMjAxNTEyMjlUMDAwMDAwWiIgfQ0KICBdDQp9';
const DOC_FIELDS: Record<string, string> = {
  key: 'user/user1/${filename}',
  acl: 'public-read',
  success_action_redirect: 'http://sigv4examplebucket.s3.amazonaws.com/successful_upload.html',
  'Content-Type': 'image/jpeg',
  'x-amz-meta-uuid': '14365123651274',
  'x-amz-server-side-encryption': 'AES256',
  'X-Amz-Credential': 'AKIAIOSFODNN7EXAMPLE/20151229/us-east-1/s3/aws4_request',
  'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
  'X-Amz-Date': '20151229T000000Z',
  'x-amz-meta-tag': '',
  Policy: DOC_POLICY,
  'X-Amz-Signature': '8afdbf4008c03f22c2cd3cdb72e4afbb1f6a588f3255ac628749a66d7f09699e',
};
const DOC_NOW = new Date('2015-12-29T10:00:00Z');

async function codeOf(p: Promise<unknown> | (() => unknown)): Promise<string> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    assert.ok(isServiceError(e), String(e));
    return e.code;
  }
  return 'accepted';
}

test('AWS doc example: signature verifies, conditions pass', async () => {
  const c = creds();
  const v = await verifyPostPolicy(DOC_FIELDS, c, DOC_NOW, 'us-east-1');
  assert.equal(v.caller.kind, 'User');
  assert.equal(v.facts.authType, 'POST');
  assert.equal(v.policy?.conditions.length, 11);
  v.checkConditions({ fields: { ...DOC_FIELDS, key: 'user/user1/photo.jpg' }, contentLength: 1234, bucket: 'sigv4examplebucket' });
  v.checkConditions({ fields: { ...DOC_FIELDS, 'x-ignore-anything': 'x' }, contentLength: 1, bucket: 'sigv4examplebucket' });
});

test('AWS doc example: each violated condition → its S3 error', async () => {
  const v = await verifyPostPolicy(DOC_FIELDS, creds(), DOC_NOW, 'us-east-1');
  const run = (fields: Record<string, string>, bucket = 'sigv4examplebucket') => codeOf(() => v.checkConditions({ fields, contentLength: 10, bucket }));
  assert.equal(await run(DOC_FIELDS, 'otherbucket'), 'AccessDenied');
  assert.equal(await run({ ...DOC_FIELDS, key: 'user/user2/photo.jpg' }), 'AccessDenied');
  assert.equal(await run({ ...DOC_FIELDS, acl: 'private' }), 'AccessDenied');
  assert.equal(await run({ ...DOC_FIELDS, 'Content-Type': 'text/html' }), 'AccessDenied');
  assert.equal(await run({ ...DOC_FIELDS, 'Content-Type': 'image/png, text/html' }), 'AccessDenied');
  assert.equal(await run({ ...DOC_FIELDS, 'x-amz-meta-extra': '1' }), 'AccessDenied');
  const { acl: _acl, ...withoutAcl } = DOC_FIELDS;
  assert.equal(await run(withoutAcl), 'AccessDenied');
});

test('AWS doc example: expired policy, tampered policy or signature, wrong key', async () => {
  assert.equal(await codeOf(verifyPostPolicy(DOC_FIELDS, creds(), new Date('2015-12-30T12:00:01Z'), 'us-east-1')), 'AccessDenied');
  assert.equal(await codeOf(verifyPostPolicy({ ...DOC_FIELDS, Policy: DOC_POLICY.replace('eyAi', 'eyBi') }, creds(), DOC_NOW, 'us-east-1')), 'SignatureDoesNotMatch');
  assert.equal(await codeOf(verifyPostPolicy({ ...DOC_FIELDS, 'X-Amz-Signature': '0'.repeat(64) }, creds(), DOC_NOW, 'us-east-1')), 'SignatureDoesNotMatch');
  assert.equal(await codeOf(verifyPostPolicy(DOC_FIELDS, new FakeCredentials(), DOC_NOW, 'us-east-1')), 'InvalidAccessKeyId');
  assert.equal(await codeOf(verifyPostPolicy(DOC_FIELDS, creds(), DOC_NOW, 'eu-west-1')), 'AuthorizationQueryParametersError');
  const { 'X-Amz-Credential': _c, ...noCred } = DOC_FIELDS;
  assert.equal(await codeOf(verifyPostPolicy(noCred, creds(), DOC_NOW, 'us-east-1')), 'InvalidArgument');
  assert.equal(await codeOf(verifyPostPolicy({ ...DOC_FIELDS, 'X-Amz-Algorithm': 'AWS4-HMAC-SHA1' }, creds(), DOC_NOW, 'us-east-1')), 'InvalidArgument');
  assert.equal(await codeOf(verifyPostPolicy({ AWSAccessKeyId: AKID, signature: 'x', policy: 'e30=' }, creds(), DOC_NOW, 'us-east-1')), 'InvalidRequest');
});

test('no signature fields → anonymous POST', async () => {
  const v = await verifyPostPolicy({ key: 'public/${filename}' }, creds(), DOC_NOW, 'us-east-1');
  assert.deepEqual(v.caller, { kind: 'Anonymous' });
  v.checkConditions({ fields: { key: 'public/x' }, contentLength: 5 });
});

function signPolicy(doc: unknown, date = '20151229'): Record<string, string> {
  const policy = Buffer.from(typeof doc === 'string' ? doc : JSON.stringify(doc)).toString('base64');
  const sig = createHmac('sha256', deriveSigningKey(SECRET, date, 'us-east-1', 's3')).update(policy).digest('hex');
  return {
    'x-amz-algorithm': 'AWS4-HMAC-SHA256',
    'x-amz-credential': `${AKID}/${date}/us-east-1/s3/aws4_request`,
    'x-amz-date': `${date}T000000Z`,
    policy,
    'x-amz-signature': sig,
  };
}

test('malformed policy documents → InvalidPolicyDocument', async () => {
  const bad = ['not json', { conditions: [] }, { expiration: '2015-12-30T00:00:00Z' }, { expiration: 'tomorrow', conditions: [] },
    { expiration: '2015-12-30T00:00:00Z', conditions: [['between', '$key', 'a']] },
    { expiration: '2015-12-30T00:00:00Z', conditions: [{ a: 'x', b: 'y' }] },
    { expiration: '2015-12-30T00:00:00Z', conditions: [['eq', 'key', 'a']] },
    { expiration: '2015-12-30T00:00:00Z', conditions: [['content-length-range', 'ten', 20]] }];
  for (const doc of bad) {
    assert.equal(await codeOf(verifyPostPolicy(signPolicy(doc), creds(), DOC_NOW, 'us-east-1')), 'InvalidPolicyDocument', JSON.stringify(doc));
  }
});

test('content-length-range → EntityTooSmall / EntityTooLarge', async () => {
  const doc = { expiration: '2015-12-30T00:00:00Z', conditions: [['content-length-range', 10, 100], ['starts-with', '$key', ''], { 'x-amz-algorithm': 'AWS4-HMAC-SHA256' }, ['starts-with', '$x-amz-credential', AKID], ['eq', '$x-amz-date', '20151229T000000Z']] };
  const fields = { ...signPolicy(doc), key: 'k' };
  const v = await verifyPostPolicy(fields, creds(), DOC_NOW, 'us-east-1');
  v.checkConditions({ fields, contentLength: 10 });
  v.checkConditions({ fields, contentLength: 100 });
  assert.equal(await codeOf(() => v.checkConditions({ fields, contentLength: 9 })), 'EntityTooSmall');
  assert.equal(await codeOf(() => v.checkConditions({ fields, contentLength: 101 })), 'EntityTooLarge');
});

test('a policy from @aws-sdk/s3-presigned-post verifies and enforces its conditions', async () => {
  const client = new S3Client({ region: 'us-east-1', credentials: { accessKeyId: AKID, secretAccessKey: SECRET } });
  const { fields } = await createPresignedPost(client, {
    Bucket: 'photos',
    Key: 'uploads/${filename}',
    Conditions: [['content-length-range', 0, 1000], ['starts-with', '$Content-Type', 'image/']],
    Fields: { 'Content-Type': 'image/png' },
    Expires: 600,
  });
  const v = await verifyPostPolicy(fields, creds(), new Date(), 'us-east-1');
  v.checkConditions({ fields, contentLength: 500, bucket: 'photos' });
  assert.equal(await codeOf(() => v.checkConditions({ fields, contentLength: 5000, bucket: 'photos' })), 'EntityTooLarge');
  assert.equal(await codeOf(() => v.checkConditions({ fields: { ...fields, 'Content-Type': 'text/plain' }, contentLength: 5, bucket: 'photos' })), 'AccessDenied');
  assert.equal(await codeOf(() => v.checkConditions({ fields, contentLength: 5, bucket: 'other' })), 'AccessDenied');
});
